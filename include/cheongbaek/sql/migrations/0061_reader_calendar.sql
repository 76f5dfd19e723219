-- What downstream services (cb_reader) need of scenario_input, through mart:
-- the business calendar only (scenario_input itself carries bank accounts
-- and RRN pseudonyms and is not granted to cb_reader, see 0021_access.sql).
-- The calendar table is created once (0030) and refilled in place by the
-- runs, never dropped, so a view over it is safe. Idempotent.
create or replace view mart.business_calendar as
select d, is_business, holiday_nm, bd_seq
from scenario_input.calendar;
comment on view mart.business_calendar is
    'The business calendar (Mon-Fri without the KR public holidays), bd_seq = business days up to the day.';
grant select on mart.business_calendar to cb_reader;
comment on column mart.business_calendar.d is 'The day: the primary key of this view.';
comment on column mart.business_calendar.is_business is 'True on a business day: Monday to Friday, not a KR public holiday.';
comment on column mart.business_calendar.holiday_nm is 'Name of the public holiday on that day, else null.';
comment on column mart.business_calendar.bd_seq is 'Business days up to and including the day: n business days after day r is the business day with bd_seq = bd_seq(r) + n.';
