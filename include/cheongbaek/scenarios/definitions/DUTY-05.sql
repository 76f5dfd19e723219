-- DUTY-05: a use of public property active in year Y with no P01 fee in Y.
with y as (
    select extract(year from scenario_input.as_of())::int - 1 as yr
), u as (
    select u.use_no, u.prop_no, u.area_m2, u.strt_dt, u.end_dt, y.yr,
           least(coalesce(u.end_dt, 'infinity'::date), make_date(y.yr, 12, 31))
             - greatest(u.strt_dt, make_date(y.yr, 1, 1)) + 1 as active_days
    from scenario_input.pub_prop_use u
    cross join y
    where u.strt_dt is not null
      and u.strt_dt <= make_date(y.yr, 12, 31) and coalesce(u.end_dt, 'infinity'::date) >= make_date(y.yr, 1, 1)
)
select u.use_no || '|' || u.yr                                   as subject,
       floor(coalesce(u.area_m2, 0) * u.active_days * {{krw_per_m2_day}})::bigint as estimate_krw,
       jsonb_build_object('use_no', u.use_no, 'prop_no', u.prop_no, 'year', u.yr, 'area_m2', u.area_m2,
                          'strt_dt', u.strt_dt, 'end_dt', u.end_dt, 'active_days', u.active_days) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from u
left join lateral (
    select count(*) as n, sum(d.paid_krw) as paid, jsonb_agg(d.imps_no order by d.imps_no) as docs
    from scenario_input.duty_live d
    where d.basis_no = u.use_no and d.duty_cd = '{{duty_cd}}'
      and d.imps_dt between make_date(u.yr, 1, 1) and make_date(u.yr, 12, 31)
    having count(*) > 0
) m on true
