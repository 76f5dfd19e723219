-- DUTY-06: a transfer registered late without the late-registration fine.
select t.trnsf_id                                              as subject,
       floor(coalesce(t.price, 0) * {{rate}})::bigint          as estimate_krw,
       jsonb_build_object('trnsf_id', t.trnsf_id, 'pnu', t.pnu, 'cntr_dt', t.cntr_dt, 'rgst_dt', t.rgst_dt,
                          'days_late', t.rgst_dt - t.cntr_dt, 'price', t.price, 'cause', t.cause) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from scenario_input.transfer t
left join lateral (
    select count(*) as n, sum(d.paid_krw) as paid, jsonb_agg(d.imps_no order by d.imps_no) as docs
    from scenario_input.duty_live d
    where d.basis_no = t.trnsf_id and d.duty_cd = '{{duty_cd}}'
    having count(*) > 0
) m on true
where t.cntr_dt is not null and t.rgst_dt is not null
  and t.rgst_dt - t.cntr_dt > {{max_days}}
  and t.rgst_dt + {{grace_days}} <= scenario_input.as_of()
