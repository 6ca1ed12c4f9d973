"""On PostgreSQL the database itself keeps fee schedules consistent, whatever
writes to it: the tiers of a schedule cover one unbroken range of amounts
(no overlap, no gap, only the last unbounded), and two schedules for the same
type, provider, method and currency are never in force at once.

Deferred constraint triggers check at commit, so a transaction may rewrite a
schedule's tiers in any order. rates.services and the admin apply the same
rules first, with friendlier messages.
"""

from django.db import migrations

from aframp.postgres import postgresql_only

CREATE = r"""
CREATE FUNCTION rates_fee_tiers_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.schedule_id ELSE NEW.schedule_id END;
    bad record;
BEGIN
    SELECT max_amount, next_min INTO bad FROM (
        SELECT max_amount, lead(min_amount) OVER (ORDER BY min_amount, id) AS next_min
        FROM rates_feetier WHERE schedule_id = target
    ) AS tiers
    WHERE next_min IS NOT NULL AND (max_amount IS NULL OR next_min <> max_amount)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'fee tiers of schedule % overlap or leave a gap (a tier ends at %, the next starts at %)',
            target, coalesce(bad.max_amount::text, 'infinity'), bad.next_min
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER rates_fee_tiers_contiguous
    AFTER INSERT OR UPDATE OR DELETE ON rates_feetier
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rates_fee_tiers_contiguous();

CREATE FUNCTION rates_fee_schedules_disjoint() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER rates_fee_schedules_disjoint
    AFTER INSERT OR UPDATE ON rates_feeschedule
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rates_fee_schedules_disjoint();
"""

DROP = """
DROP TRIGGER IF EXISTS rates_fee_schedules_disjoint ON rates_feeschedule;
DROP FUNCTION IF EXISTS rates_fee_schedules_disjoint();
DROP TRIGGER IF EXISTS rates_fee_tiers_contiguous ON rates_feetier;
DROP FUNCTION IF EXISTS rates_fee_tiers_contiguous();
"""


class Migration(migrations.Migration):
    dependencies = [("rates", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
