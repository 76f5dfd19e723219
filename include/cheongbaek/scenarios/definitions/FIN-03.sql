-- FIN-03: a payment to a vendor that was suspended or closed by then.
select p.pay_no                                                as subject,
       p.pay_amt::bigint                                       as estimate_krw,
       jsonb_build_object('pay_no', p.pay_no, 'pay_dt', p.pay_dt, 'pay_amt', p.pay_amt, 'vndr_id', p.vndr_id,
                          'biz_stat_cd', v.biz_stat_cd, 'clsd_dt', v.clsd_dt) as evidence,
       p.dept_cd, p.aprv_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.payment p
join scenario_input.vendor v on v.vndr_id = p.vndr_id
where v.biz_stat_cd in ('02', '03') and v.clsd_dt is not null and p.pay_dt >= v.clsd_dt
