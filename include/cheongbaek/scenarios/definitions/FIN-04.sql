-- FIN-04: payments on a contract exceeding its (latest) amount.
with paid as (
    select cntr_no, sum(pay_amt) as total, count(*) as n
    from scenario_input.payment
    where cntr_no is not null
    group by cntr_no
)
select c.cntr_no                                               as subject,
       (s.total - c.cntr_amt)::bigint                          as estimate_krw,
       jsonb_build_object('cntr_no', c.cntr_no, 'cntr_amt', c.cntr_amt, 'paid_total', s.total,
                          'payments', s.n, 'excess', s.total - c.cntr_amt) as evidence,
       c.dept_cd, c.aprv_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.contract c
join paid s on s.cntr_no = c.cntr_no
where s.total > coalesce(c.cntr_amt, 0)
