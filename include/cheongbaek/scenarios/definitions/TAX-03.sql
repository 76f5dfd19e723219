-- TAX-03: a food business on a large floor area without resident tax
-- (business-premises portion) for the year before D's year.
with y as (
    select extract(year from scenario_input.as_of())::int - 1 as yr
), area as (
    select distinct on (pnu) pnu, mgm_pmsrgst_pk, use_apr_day, tot_area
    from scenario_input.use_approval
    where pnu is not null and use_apr_day is not null
    order by pnu, use_apr_day desc, mgm_pmsrgst_pk desc
), cand as (
    select p.prmt_no, p.pnu, p.holder_id, p.strt_dt, p.end_dt, p.ptn_no, y.yr, area.tot_area, area.mgm_pmsrgst_pk
    from scenario_input.permit p
    cross join y
    join area on area.pnu = p.pnu
    where p.prmt_type_cd = 'FOOD' and p.holder_type = '2' and p.holder_id is not null
      and p.strt_dt <= make_date(y.yr, 12, 31) and coalesce(p.end_dt, 'infinity'::date) >= make_date(y.yr, 1, 1)
      and area.tot_area > {{min_area_m2}}
)
select c.prmt_no || '|' || c.yr                                 as subject,
       floor(c.tot_area * {{krw_per_m2}})::bigint              as estimate_krw,
       jsonb_build_object('prmt_no', c.prmt_no, 'year', c.yr, 'pnu', c.pnu, 'floor_area_m2', c.tot_area,
                          'use_approval', c.mgm_pmsrgst_pk, 'strt_dt', c.strt_dt, 'end_dt', c.end_dt) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from cand c
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd = '301' and t.party_id = c.holder_id
      and t.cause_dt between make_date(c.yr, 1, 1) and make_date(c.yr, 12, 31)
    having count(*) > 0
) m on true
