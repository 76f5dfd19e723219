-- DUTY-01: a ROAD permit active in year Y with no R01 duty (road occupancy fee) imposed in Y.
with y as (
    select extract(year from scenario_input.as_of())::int - 1 as yr
), p as (
    select p.prmt_no, p.area_m2, p.strt_dt, p.end_dt, p.ptn_no, p.pnu, y.yr,
           least(coalesce(p.end_dt, 'infinity'::date), make_date(y.yr, 12, 31))
             - greatest(p.strt_dt, make_date(y.yr, 1, 1)) + 1 as active_days
    from scenario_input.permit p
    cross join y
    where p.prmt_type_cd = '{{permit_type}}' and p.strt_dt is not null
      and p.strt_dt <= make_date(y.yr, 12, 31) and coalesce(p.end_dt, 'infinity'::date) >= make_date(y.yr, 1, 1)
)
select p.prmt_no || '|' || p.yr                                   as subject,
       floor(coalesce(p.area_m2, 0) * p.active_days * {{krw_per_m2_day}})::bigint as estimate_krw,
       jsonb_build_object('prmt_no', p.prmt_no, 'year', p.yr, 'pnu', p.pnu, 'area_m2', p.area_m2,
                          'strt_dt', p.strt_dt, 'end_dt', p.end_dt, 'active_days', p.active_days) as evidence,
       pt.dept_cd, pt.chrg_emp_no as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from p
left join scenario_input.petition pt on pt.ptn_no = p.ptn_no
left join lateral (
    select count(*) as n, sum(d.paid_krw) as paid, jsonb_agg(d.imps_no order by d.imps_no) as docs
    from scenario_input.duty_live d
    where d.basis_no = p.prmt_no and d.duty_cd = '{{duty_cd}}'
      and d.imps_dt between make_date(p.yr, 1, 1) and make_date(p.yr, 12, 31)
    having count(*) > 0
) m on true
