-- TAX-06: a real-name-law violation (property held under another name)
-- whose true owner was never assessed acquisition tax.
select v.viol_id                                               as subject,
       floor(v.prop_value * {{rate}})::bigint                  as estimate_krw,
       jsonb_build_object('viol_id', v.viol_id, 'pnu', v.pnu, 'dtct_dt', v.dtct_dt, 'prop_value', v.prop_value,
                          'violator_party_type', v.party_type) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from scenario_input.realname_viol v
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd in ('101', '102') and t.pnu = v.pnu and t.party_id = v.party_id
      and t.cause_dt >= (v.dtct_dt - interval '{{lookback_years}} years')::date
    having count(*) > 0
) m on true
where v.pnu is not null and v.dtct_dt is not null
  and v.dtct_dt + {{grace_days}} <= scenario_input.as_of()
