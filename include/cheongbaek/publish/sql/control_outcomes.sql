-- The integrity controls' outcomes, public: per scenario area and month (of
-- the alert's first sighting), the cases found, actioned and excluded, and
-- the estimated and collected amounts, as of D (%(as_of)s).
--
-- Why aggregates only: an alert's subject is a source key (a person, a
-- parcel, a contract), so nothing but counts and sums per area and month
-- leaves the warehouse; no scenario id, subject, department or person.
-- Why the status as of D: an alert's status changes over time and every
-- change is kept in monitoring.alert_status_history with its as-of date; a
-- republication of an earlier day shows what was known then.
-- Small cells: a count under %(min_cell)s is published as empty (null), and
-- so are the amounts of an area and month with fewer than %(min_cell)s cases
-- found (a sum of one or two cases would be those cases' amounts).
with alert_as_of as (
    select s.area,
           to_char(a.first_seen, 'YYYY-MM') as month,
           coalesce(
               (select h.to_status from monitoring.alert_status_history h
                where h.alert_id = a.alert_id and h.as_of <= %(as_of)s
                order by h.as_of desc, h.history_id desc limit 1),
               a.status) as status,
           a.estimate_krw,
           a.collected_krw
    from monitoring.alert a
    join monitoring.scenario s on s.scenario_id = a.scenario_id
    where a.first_seen <= %(as_of)s
), counted as (
    select area, month,
           count(*) as found,
           count(*) filter (where status = 'actioned') as actioned,
           count(*) filter (where status = 'excluded') as excluded,
           sum(estimate_krw)::bigint as estimated,
           sum(collected_krw)::bigint as collected
    from alert_as_of
    group by area, month
)
select area,
       month,
       case when found >= %(min_cell)s then found end as cases_found,
       case when actioned >= %(min_cell)s then actioned end as cases_actioned,
       case when excluded >= %(min_cell)s then excluded end as cases_excluded,
       case when found >= %(min_cell)s then estimated end as estimated_krw,
       case when found >= %(min_cell)s then collected end as collected_krw
from counted
order by area, month
