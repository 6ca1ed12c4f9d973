"""Helpers for the integrity rules only PostgreSQL can enforce.

The embedded SQLite database of the development setup skips them; the
services apply the same rules in Python on every database.
"""

from django.db import migrations


def postgresql_only(create_sql: str, drop_sql: str) -> migrations.RunPython:
    """A migration operation that runs `create_sql` (and `drop_sql` backwards) on PostgreSQL."""

    def run(sql: str):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)  # the SQL has literal % signs

        return apply

    return migrations.RunPython(run(create_sql), run(drop_sql))
