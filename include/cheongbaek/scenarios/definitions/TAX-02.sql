-- TAX-02: a building bought and turned into an adult-entertainment bar within
-- 5 years without the heavy-rate (102) acquisition tax.
with bar as (
    select prmt_no, pnu, strt_dt, end_dt
    from scenario_input.permit
    where prmt_type_cd = 'FOOD' and biz_type_cd = 'BAR' and pnu is not null and strt_dt is not null
), cand as (
    select t.trnsf_id, t.pnu, t.obj_type, t.cntr_dt, t.price, t.to_type, t.to_id,
           min(bar.strt_dt) as first_bar_strt,
           jsonb_agg(bar.prmt_no order by bar.strt_dt, bar.prmt_no) as bar_permits
    from scenario_input.transfer t
    join bar on bar.pnu = t.pnu
            and bar.strt_dt <= (t.cntr_dt + interval '{{years}} years')::date
            and coalesce(bar.end_dt, 'infinity'::date) >= t.cntr_dt
    where t.obj_type in ('B', 'LB') and t.cntr_dt is not null and t.to_id is not null
    group by t.trnsf_id, t.pnu, t.obj_type, t.cntr_dt, t.price, t.to_type, t.to_id
)
select c.trnsf_id                                              as subject,
       floor(c.price * {{rate}})::bigint                       as estimate_krw,
       jsonb_build_object('trnsf_id', c.trnsf_id, 'pnu', c.pnu, 'obj_type', c.obj_type, 'cntr_dt', c.cntr_dt,
                          'price', c.price, 'bar_permits', c.bar_permits, 'first_bar_strt_dt', c.first_bar_strt,
                          'acquirer_party_type', c.to_type) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from cand c
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd = '102' and t.pnu = c.pnu and t.party_id = c.to_id
      and t.cause_dt between c.cntr_dt - {{window_days}} and c.cntr_dt + {{window_days}}
    having count(*) > 0
) m on true
where c.first_bar_strt + {{grace_days}} <= scenario_input.as_of()
