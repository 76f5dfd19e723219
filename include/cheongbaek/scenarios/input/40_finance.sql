-- Family "finance": vendors, live contracts and live payments (del_yn = 'N'),
-- newest version with upd_dt on or before D. Codes are trimmed (char(n)).

drop table if exists scenario_input.vendor;
create unlogged table scenario_input.vendor as
select distinct on (v.vndr_id)
       v.vndr_id, v.brn, v.rep_rrn, btrim(v.bank_cd) as bank_cd, btrim(v.acct_no) as acct_no,
       btrim(v.biz_stat_cd) as biz_stat_cd, v.clsd_dt
from staging.fin_vendor v
join audit.batch b on b.batch_id = v.batch_id and b.status = 'loaded'
where v.upd_dt < scenario_input.as_of() + 1
order by v.vndr_id, v.upd_dt desc;
create unique index on scenario_input.vendor (vndr_id);
comment on table scenario_input.vendor is 'Vendors (tb_vendor), newest version known by the as-of date.';

drop table if exists scenario_input.contract;
create unlogged table scenario_input.contract as
select cntr_no, dept_cd, biz_cd, cntr_mthd_cd, vndr_id, cntr_amt, cntr_dt, aprv_emp_no
from (
    select distinct on (c.cntr_no)
           c.cntr_no, btrim(c.dept_cd) as dept_cd, c.biz_cd, btrim(c.cntr_mthd_cd) as cntr_mthd_cd, c.vndr_id,
           c.cntr_amt, c.cntr_dt, c.aprv_emp_no, btrim(c.del_yn) as del_yn
    from staging.fin_contract c
    join audit.batch b on b.batch_id = c.batch_id and b.status = 'loaded'
    where c.upd_dt < scenario_input.as_of() + 1
    order by c.cntr_no, c.upd_dt desc
) newest
where del_yn = 'N';
create unique index on scenario_input.contract (cntr_no);
comment on table scenario_input.contract is 'Live contracts (del_yn = N), newest version known by the as-of date.';

drop table if exists scenario_input.payment;
create unlogged table scenario_input.payment as
select pay_no, dept_cd, biz_cd, cntr_no, vndr_id, invc_no, pay_amt, pay_dt, aprv_emp_no
from (
    select distinct on (p.pay_no)
           p.pay_no, btrim(p.dept_cd) as dept_cd, p.biz_cd, p.cntr_no, p.vndr_id, nullif(btrim(p.invc_no), '') as invc_no,
           p.pay_amt, p.pay_dt, p.aprv_emp_no, btrim(p.del_yn) as del_yn
    from staging.fin_payment p
    join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
    where p.upd_dt < scenario_input.as_of() + 1
    order by p.pay_no, p.upd_dt desc
) newest
where del_yn = 'N';
create index on scenario_input.payment (vndr_id, pay_amt);
create index on scenario_input.payment (cntr_no);
comment on table scenario_input.payment is 'Live payments (del_yn = N), newest version known by the as-of date.';
