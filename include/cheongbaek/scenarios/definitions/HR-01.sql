-- HR-01: salary paid after retirement (record as it stood on pay_dt).
select py.emp_no || '|' || py.pay_ym                           as subject,
       coalesce(py.gross_amt, 0)::bigint                       as estimate_krw,
       jsonb_build_object('emp_no', py.emp_no, 'pay_ym', py.pay_ym, 'pay_dt', py.pay_dt,
                          'gross_amt', py.gross_amt, 'retire_dt', e.retire_dt) as evidence,
       e.dept_cd, null::text as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.pay py
join scenario_input.emp_version e
  on e.emp_no = py.emp_no and e.valid_from <= py.pay_dt and py.pay_dt < e.valid_to
where e.retire_dt is not null and py.pay_dt > e.retire_dt
