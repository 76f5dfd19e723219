-- HR-02: one bank account receiving the pay of several employees in a month,
-- or receiving pay while being a vendor's account.
with acct as (
    -- (pay_ym, emp_no) is the key of scenario_input.pay: count(*) counts employees, without a sort
    select bank_cd, acct_no, pay_ym, count(*) as employees
    from scenario_input.pay
    where acct_no is not null and acct_no <> ''
    group by bank_cd, acct_no, pay_ym
), vend as (
    select distinct bank_cd, acct_no from scenario_input.vendor where acct_no is not null and acct_no <> ''
)
select a.bank_cd || '|' || a.acct_no || '|' || a.pay_ym          as subject,
       0::bigint                                               as estimate_krw,
       jsonb_build_object('bank_cd', a.bank_cd, 'pay_ym', a.pay_ym, 'employees', a.employees,
                          'vendor_account', v.acct_no is not null) as evidence,
       null::text as dept_cd, null::text as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from acct a
left join vend v on v.bank_cd is not distinct from a.bank_cd and v.acct_no = a.acct_no
where a.employees >= {{min_employees}} or v.acct_no is not null
