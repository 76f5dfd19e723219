-- FIN-01: a payment that repeats an earlier one (double payment). Fires on
-- the later payment; the earliest earlier match is shown as evidence.
select p2.pay_no                                               as subject,
       p2.pay_amt::bigint                                      as estimate_krw,
       jsonb_build_object('pay_no', p2.pay_no, 'pay_dt', p2.pay_dt, 'pay_amt', p2.pay_amt, 'vndr_id', p2.vndr_id,
                          'biz_cd', p2.biz_cd, 'earlier_pay_no', e.pay_no, 'earlier_pay_dt', e.pay_dt,
                          'same_invoice', e.same_invoice) as evidence,
       p2.dept_cd, p2.aprv_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.payment p2
cross join lateral (
    select p1.pay_no, p1.pay_dt, coalesce(p1.invc_no = p2.invc_no, false) as same_invoice
    from scenario_input.payment p1
    where p1.vndr_id = p2.vndr_id and p1.pay_amt = p2.pay_amt
      and (p1.pay_dt, p1.pay_no) < (p2.pay_dt, p2.pay_no)
      and (p1.invc_no = p2.invc_no
           or (p2.pay_dt - p1.pay_dt <= {{window_days}} and p1.biz_cd = p2.biz_cd))
    order by p1.pay_dt, p1.pay_no
    limit 1
) e
where p2.vndr_id is not null and p2.pay_dt is not null
