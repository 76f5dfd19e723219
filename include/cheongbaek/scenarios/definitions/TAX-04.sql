-- TAX-04: a completed building (use approval) without the owner's
-- acquisition tax on the new building.
select u.mgm_pmsrgst_pk                                        as subject,
       floor(u.tot_area * {{value_per_m2}} * {{rate}})::bigint  as estimate_krw,
       jsonb_build_object('mgmPmsrgstPk', u.mgm_pmsrgst_pk, 'pnu', u.pnu, 'useAprDay', u.use_apr_day,
                          'totArea', u.tot_area, 'owner_party_type', u.ownr_gb_cd) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from scenario_input.use_approval u
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd in ('101', '102') and t.pnu = u.pnu and t.party_id = u.ownr_id
      and t.cause_dt between u.use_apr_day - {{window_days}} and u.use_apr_day + {{window_days}}
    having count(*) > 0
) m on true
where u.pnu is not null and u.ownr_id is not null and u.use_apr_day is not null
  and u.use_apr_day + {{grace_days}} <= scenario_input.as_of()
