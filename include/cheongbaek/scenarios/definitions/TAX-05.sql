-- TAX-05: an illegal building never taxed.
select v.viol_pk                                               as subject,
       floor(v.viol_area * {{value_per_m2}} * {{rate}})::bigint as estimate_krw,
       jsonb_build_object('violPk', v.viol_pk, 'pnu', v.pnu, 'violDay', v.viol_day, 'violArea', v.viol_area,
                          'owner_party_type', v.ownr_gb_cd) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from scenario_input.violation v
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd in ('101', '102') and t.pnu = v.pnu and t.party_id = v.ownr_id
      and t.cause_dt >= v.viol_day - {{lookback_days}}
    having count(*) > 0
) m on true
where v.viol_area > 0 and (v.crct_day is null or v.crct_day > scenario_input.as_of())
  and v.pnu is not null and v.ownr_id is not null and v.viol_day is not null
  and v.viol_day + {{grace_days}} <= scenario_input.as_of()
