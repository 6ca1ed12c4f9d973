"""Fix: the schedule-overlap trigger now checks each schedule as it is at
commit, not as the change that queued the check left it, so a transaction may
end one schedule and start the next in either order.
"""

from django.db import migrations

from aframp.postgres import postgresql_only

FORWARD = r"""
CREATE OR REPLACE FUNCTION rates_fee_schedules_disjoint() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mine rates_feeschedule%ROWTYPE;
BEGIN
    -- The row as it is at commit, not as this change left it.
    SELECT * INTO mine FROM rates_feeschedule WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF EXISTS (
        SELECT 1 FROM rates_feeschedule other
        WHERE other.id <> mine.id
          AND other.transaction_type = mine.transaction_type
          AND other.provider = mine.provider
          AND other.method = mine.method
          AND other.currency_id = mine.currency_id
          AND tstzrange(other.effective_from, other.effective_until, '[)')
              && tstzrange(mine.effective_from, mine.effective_until, '[)')
    ) THEN
        RAISE EXCEPTION 'fee schedule % overlaps another for % / % / % / % in time',
            mine.id, mine.transaction_type, mine.provider, mine.method, mine.currency_id
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION rates_fee_schedules_disjoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM rates_feeschedule other
        WHERE other.id <> NEW.id
          AND other.transaction_type = NEW.transaction_type
          AND other.provider = NEW.provider
          AND other.method = NEW.method
          AND other.currency_id = NEW.currency_id
          AND tstzrange(other.effective_from, other.effective_until, '[)')
              && tstzrange(NEW.effective_from, NEW.effective_until, '[)')
    ) THEN
        RAISE EXCEPTION 'fee schedule % overlaps another for % / % / % / % in time',
            NEW.id, NEW.transaction_type, NEW.provider, NEW.method, NEW.currency_id
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("rates", "0003_fee_schedule_whole_seconds")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
