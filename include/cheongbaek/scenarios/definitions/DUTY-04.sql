-- DUTY-04: a FINE sanction never imposed as a penalty surcharge.
select i.insp_no                                               as subject,
       coalesce(i.sanction_amt, 0)::bigint                     as estimate_krw,
       jsonb_build_object('insp_no', i.insp_no, 'prmt_no', i.prmt_no, 'insp_dt', i.insp_dt,
                          'sanction_cd', i.sanction_cd, 'sanction_amt', i.sanction_amt) as evidence,
       pt.dept_cd, pt.chrg_emp_no as officer_emp_no,
       m.n is null as fires, coalesce(m.paid, 0)::bigint as collected_krw, m.docs as resolved_by
from scenario_input.inspection i
left join scenario_input.permit p on p.prmt_no = i.prmt_no
left join scenario_input.petition pt on pt.ptn_no = p.ptn_no
left join lateral (
    select count(*) as n, sum(d.paid_krw) as paid, jsonb_agg(d.imps_no order by d.imps_no) as docs
    from scenario_input.duty_live d
    where d.basis_no = i.insp_no and d.duty_cd = '{{duty_cd}}'
      and d.imps_dt between i.insp_dt - {{window_days}} and i.insp_dt + {{window_days}}
    having count(*) > 0
) m on true
where i.sanction_cd = 'FINE' and i.insp_dt is not null
  and i.insp_dt + {{grace_days}} <= scenario_input.as_of()
