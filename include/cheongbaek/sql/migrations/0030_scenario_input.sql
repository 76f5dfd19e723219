-- Scenario inputs: the as-of date of the current refresh, the business-day
-- calendar and the refresh log. The input tables themselves are rebuilt by
-- cheongbaek/scenarios/input/*.sql for each as-of date D (see
-- schemas/scenario_input/README.md). Idempotent.

-- The as-of date D every input and scenario query is evaluated at. The runner
-- sets the session setting ``cheongbaek.as_of``; a SQL function keeps the
-- queries runnable from psql as well (``set cheongbaek.as_of = '2025-03-31'``).
create or replace function scenario_input.as_of() returns date
    language sql stable parallel safe
    as $$ select current_setting('cheongbaek.as_of')::date $$;

-- Business days of holidays.country_holidays("KR"), generated in Python.
-- bd_seq counts the business days up to and including d, so "n business days
-- strictly after day r" is the business day whose bd_seq = bd_seq(r) + n.
create table if not exists scenario_input.calendar (
    d            date     primary key,
    is_business  boolean  not null,
    holiday_nm   text,
    bd_seq       integer  not null
);
create index if not exists calendar_bd_seq on scenario_input.calendar (bd_seq) where is_business;
comment on table scenario_input.calendar is
    'One row a day: Monday-Friday except the public holidays of holidays.country_holidays("KR"); bd_seq = business days up to d.';

create table if not exists scenario_input.refresh (
    as_of        date        primary key,
    refreshed_at timestamptz not null default clock_timestamp(),
    seconds      numeric(10, 3),
    row_counts   jsonb       not null default '{}'::jsonb
);
comment on table scenario_input.refresh is 'When the input tables were last rebuilt for each as-of date, and their row counts.';
