-- FIN-05: a contract with a vendor whose representative worked in the
-- contracting department on the contract date (record as it stood then).
select c.cntr_no                                               as subject,
       coalesce(c.cntr_amt, 0)::bigint                         as estimate_krw,
       jsonb_build_object('cntr_no', c.cntr_no, 'cntr_dt', c.cntr_dt, 'cntr_amt', c.cntr_amt,
                          'dept_cd', c.dept_cd, 'vndr_id', c.vndr_id, 'employee_status', e.status) as evidence,
       c.dept_cd, c.aprv_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.contract c
join scenario_input.vendor v on v.vndr_id = c.vndr_id
cross join lateral (
    select e.status
    from scenario_input.emp_version e
    where e.rrn = v.rep_rrn and e.dept_cd = c.dept_cd
      and e.valid_from <= c.cntr_dt and c.cntr_dt < e.valid_to
      and e.status <> '퇴직'
    order by e.emp_no
    limit 1
) e
where v.rep_rrn is not null and c.cntr_dt is not null
