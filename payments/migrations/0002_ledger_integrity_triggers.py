"""On PostgreSQL the database itself keeps the ledger honest, whatever writes to it:

* postings and movements are append-only: never updated, never deleted;
* each movement balances: its postings sum to zero in every currency
  (a deferred constraint trigger, checked at commit once all postings exist).

A user's balance never going below zero is a CHECK constraint on the account.
"""

from django.db import migrations

from aframp.postgres import postgresql_only

CREATE = r"""
CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: record a correcting movement instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER payments_posting_append_only BEFORE UPDATE OR DELETE ON payments_posting
    FOR EACH ROW EXECUTE FUNCTION payments_append_only();
CREATE TRIGGER payments_movement_append_only BEFORE UPDATE OR DELETE ON payments_movement
    FOR EACH ROW EXECUTE FUNCTION payments_append_only();

CREATE FUNCTION payments_movement_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT account.currency_id AS currency, sum(posting.amount) AS total INTO bad
    FROM payments_posting posting
    JOIN payments_ledgeraccount account ON account.id = posting.account_id
    WHERE posting.movement_id = NEW.movement_id
    GROUP BY account.currency_id
    HAVING sum(posting.amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'movement % does not balance: % sums to %', NEW.movement_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER payments_movement_balances AFTER INSERT ON payments_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_movement_balances();
"""

DROP = """
DROP TRIGGER IF EXISTS payments_movement_balances ON payments_posting;
DROP FUNCTION IF EXISTS payments_movement_balances();
DROP TRIGGER IF EXISTS payments_movement_append_only ON payments_movement;
DROP TRIGGER IF EXISTS payments_posting_append_only ON payments_posting;
DROP FUNCTION IF EXISTS payments_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
