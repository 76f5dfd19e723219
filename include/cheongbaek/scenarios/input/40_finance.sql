-- Family "finance": vendors, live contracts and live payments (del_yn = 'N'),
-- read from core: the version valid on D (valid_from = upd_dt <= D,
-- valid_to null or after D). Codes are trimmed (char(n)).

drop table if exists scenario_input.vendor;
create unlogged table scenario_input.vendor as
select i.vndr_id, h.brn, h.rep_rrn, btrim(h.bank_cd) as bank_cd, btrim(h.acct_no) as acct_no,
       btrim(h.biz_stat_cd) as biz_stat_cd, h.clsd_dt
from core.vendor_history h
join core.vendor i on i.vendor_sk = h.vendor_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
create unique index on scenario_input.vendor (vndr_id);
comment on table scenario_input.vendor is 'Vendors (tb_vendor), version valid on the as-of date, from core.vendor.';

drop table if exists scenario_input.contract;
create unlogged table scenario_input.contract as
select i.cntr_no, btrim(h.dept_cd) as dept_cd, h.biz_cd, btrim(h.cntr_mthd_cd) as cntr_mthd_cd, h.vndr_id,
       h.cntr_amt, h.cntr_dt, h.aprv_emp_no
from core.contract_history h
join core.contract i on i.contract_sk = h.contract_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1))
  and btrim(h.del_yn) = 'N';
create unique index on scenario_input.contract (cntr_no);
comment on table scenario_input.contract is
    'Live contracts (del_yn = N in the version valid on the as-of date), from core.contract.';

drop table if exists scenario_input.payment;
create unlogged table scenario_input.payment as
select i.pay_no, btrim(h.dept_cd) as dept_cd, h.biz_cd, h.cntr_no, h.vndr_id, nullif(btrim(h.invc_no), '') as invc_no,
       h.pay_amt, h.pay_dt, h.aprv_emp_no
from core.payment_history h
join core.payment i on i.payment_sk = h.payment_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1))
  and btrim(h.del_yn) = 'N';
create index on scenario_input.payment (vndr_id, pay_amt);
create index on scenario_input.payment (cntr_no);
comment on table scenario_input.payment is
    'Live payments (del_yn = N in the version valid on the as-of date), from core.payment.';
