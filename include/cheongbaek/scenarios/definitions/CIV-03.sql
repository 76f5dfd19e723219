-- CIV-03: a petition filed by an employee of the department handling it.
select p.ptn_no                                                as subject,
       0::bigint                                               as estimate_krw,
       jsonb_build_object('ptn_no', p.ptn_no, 'proc_cd', p.proc_cd, 'rcpt_dt', p.rcpt_dtm::date,
                          'dept_cd', p.dept_cd, 'employee_status', e.status) as evidence,
       p.dept_cd, p.chrg_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.petition p
cross join lateral (
    select e.status
    from scenario_input.emp_version e
    where e.rrn = p.apln_id and e.dept_cd = p.dept_cd
      and e.valid_from <= p.rcpt_dtm::date and p.rcpt_dtm::date < e.valid_to
      and e.status <> '퇴직'
    order by e.emp_no
    limit 1
) e
where p.apln_id is not null and p.rcpt_dtm is not null
