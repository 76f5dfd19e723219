-- Refresh the disclosure tables from the reconciled warehouse (core), as of D.
--
-- Runs inside the publication's transaction, after runner.py created and
-- filled the temp tables pub_param (as_of), pub_calendar (d, is_bday,
-- bday_no = business days up to and including d), pub_legal_dong
-- (sigungu_cd, sigungu_nm), pub_sector (proc_cd, sector_cd, sector_nm) and
-- pub_step_code (step_cd, step_order, step_nm). Lineage: staging feeds core
-- (loaded batches only), core feeds the disclosure. A key's version as of D
-- is the one valid on D: valid_from (the delivery day of a file row, the
-- upd_dt/upd_dtm of a database row, the reading run's date for the procedure
-- codes) on or before D, and no later version known by D (valid_to null or
-- after D). Core holds no free text and no address (memo, apln_addr, addr):
-- nothing of the kind can be selected here.

-- ------------------------------------------------------------ as-of inputs
create temp table pub_dept on commit drop as
select i.dept_cd, h.dept_nm
from core.department_history h
join core.department i on i.department_sk = h.department_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

-- HR_EMP is a full daily snapshot: an official's name and title are those of
-- the employee's record as it stood on D (the version valid on D).
create temp table pub_emp on commit drop as
select i.emp_no, h.emp_nm, h.title
from core.employee_history h
join core.employee i on i.employee_sk = h.employee_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

-- proc_code is read whole each run: the version read on or before D.
create temp table pub_proc on commit drop as
select i.proc_cd, h.sector_cd, h.proc_nm, h.legal_days, h.open_yn
from core.procedure_history h
join core.procedure i on i.procedure_sk = h.procedure_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

create temp table pub_ptn on commit drop as
select h.petition_sk, i.ptn_no, h.proc_cd, h.rcpt_dtm, h.apln_type, h.apln_nm, h.pnu, h.dept_cd,
       h.chrg_emp_no, h.stat_cd, h.rslt_cd, h.cmpl_dtm
from core.petition_history h
join core.petition i on i.petition_sk = h.petition_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

-- Petitions of disclosed procedures only (and with a receipt date to count from).
create temp table pub_open_ptn on commit drop as
select t.*, pr.legal_days, pr.proc_nm
from pub_ptn t
join pub_proc pr on pr.proc_cd = t.proc_cd and pr.open_yn = 'Y'
where t.rcpt_dtm is not null and pr.legal_days is not null;

create temp table pub_step on commit drop as
select i.ptn_no, i.step_seq, s.step_cd, s.step_dtm, s.emp_no, s.dept_cd
from core.petition_step_history s
join core.petition_step i on i.petition_step_sk = s.petition_step_sk
where s.valid_from < (select as_of from pub_param) + 1
  and (s.valid_to is null or s.valid_to >= (select as_of from pub_param) + 1)
  and s.petition_sk in (select petition_sk from pub_open_ptn);

create temp table pub_budget on commit drop as
select i.fscl_yr, i.biz_cd, h.dept_cd, h.biz_nm, h.bdgt_amt, h.supl_amt
from core.budget_history h
join core.budget i on i.budget_sk = h.budget_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

create temp table pub_vendor on commit drop as
select i.vndr_id, h.brn, h.vndr_nm
from core.vendor_history h
join core.vendor i on i.vendor_sk = h.vendor_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1);

create temp table pub_contract on commit drop as
select i.cntr_no, h.fscl_yr, h.dept_cd, h.biz_cd, h.cntr_nm, h.cntr_mthd_cd, h.vndr_id,
       h.cntr_amt, h.cntr_dt, h.strt_dt, h.end_dt, h.del_yn
from core.contract_history h
join core.contract i on i.contract_sk = h.contract_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1)
  and h.del_yn is distinct from 'Y';

-- Live payments made on or before D (the version valid on D decides cancellation).
create temp table pub_payment on commit drop as
select i.pay_no, h.fscl_yr, h.dept_cd, h.biz_cd, h.cntr_no, h.vndr_id, h.pay_amt, h.pay_dt, h.del_yn
from core.payment_history h
join core.payment i on i.payment_sk = h.payment_sk
where h.valid_from < (select as_of from pub_param) + 1
  and (h.valid_to is null or h.valid_to >= (select as_of from pub_param) + 1)
  and h.del_yn is distinct from 'Y' and h.pay_dt <= (select as_of from pub_param);

-- ------------------------------------------------------------ refresh
delete from disclosure.open_petition_steps;
delete from disclosure.open_petitions;
delete from disclosure.open_procedures;
delete from disclosure.finance_budget_execution;
delete from disclosure.finance_contracts;
delete from disclosure.finance_payments_monthly;

-- Standard flow: the most common step sequence (extensions left out) of the
-- procedure's completed petitions; ties go to the alphabetically first
-- sequence, so the choice is deterministic. With no completed petition yet,
-- the default flow reception > review > decision > notification.
insert into disclosure.open_procedures
with seqs as (
    select p.proc_cd, string_agg(s.step_cd, '>' order by s.step_seq) as flow
    from pub_open_ptn p
    join pub_step s on s.ptn_no = p.ptn_no and s.step_cd is distinct from 'EXTN'
    where p.stat_cd = 'END'
    group by p.ptn_no, p.proc_cd
),
best as (
    select distinct on (proc_cd) proc_cd, flow
    from (select proc_cd, flow, count(*) as n from seqs group by proc_cd, flow) c
    order by proc_cd, n desc, flow
),
flows as (
    select pr.proc_cd,
           coalesce(best.flow, 'RCPT>REVW>DCSN>NOTI') as flow,
           case when best.flow is null then 'default' else 'observed' end as basis
    from pub_proc pr
    left join best on best.proc_cd = pr.proc_cd
    where pr.open_yn = 'Y'
),
names as (
    select f.proc_cd, string_agg(coalesce(sc.step_nm, u.cd), ' > ' order by u.ord) as flow_names
    from flows f
    cross join lateral unnest(string_to_array(f.flow, '>')) with ordinality as u(cd, ord)
    left join pub_step_code sc on sc.step_cd = u.cd
    group by f.proc_cd
)
select pr.proc_cd,
       coalesce(pr.sector_cd, sec.sector_cd),
       sec.sector_nm,
       coalesce(pr.proc_nm, sec.proc_nm),
       pr.legal_days,
       f.flow,
       n.flow_names,
       f.basis
from pub_proc pr
join flows f on f.proc_cd = pr.proc_cd
join names n on n.proc_cd = pr.proc_cd
left join pub_sector sec on sec.proc_cd = pr.proc_cd
where pr.open_yn = 'Y' and pr.legal_days is not null and coalesce(pr.proc_nm, sec.proc_nm) is not null;

insert into disclosure.open_petitions
with ext as (
    select ptn_no, count(*) filter (where step_cd = 'EXTN') as n_extn, max(step_seq) as last_seq
    from pub_step group by ptn_no
),
base as (
    select p.*,
           p.rcpt_dtm::date as rcpt_dt,
           coalesce(e.n_extn, 0) as n_extn,
           e.last_seq,
           case when p.stat_cd in ('END', 'WDR') and p.cmpl_dtm is not null then p.cmpl_dtm::date end as cmpl_dt
    from pub_open_ptn p
    left join ext e on e.ptn_no = p.ptn_no
),
dated as (
    select b.*,
           (select c.d from pub_calendar c
             where c.is_bday and c.bday_no = r.bday_no + b.legal_days * (1 + b.n_extn)) as due_dt,
           e.bday_no - r.bday_no as bdays_elapsed,
           coalesce(b.cmpl_dt, (select as_of from pub_param)) as end_dt
    from base b
    join pub_calendar r on r.d = b.rcpt_dt
    join pub_calendar e on e.d = coalesce(b.cmpl_dt, (select as_of from pub_param))
)
select d.ptn_no,
       d.proc_cd,
       op.proc_nm,
       op.sector_nm,
       d.rcpt_dt,
       d.due_dt,
       case d.stat_cd when 'RCV' then 'received' when 'PRC' then 'in process' when 'END' then 'completed'
                      when 'WDR' then 'withdrawn' else d.stat_cd end,
       st.step_cd,
       sc.step_nm,
       d.cmpl_dt,
       case d.rslt_cd when 'A' then 'approved' when 'R' then 'rejected' end,
       dp.dept_nm,
       em.emp_nm,
       em.title,
       d.bdays_elapsed,
       d.end_dt > d.due_dt,
       case
           when d.apln_nm is null then null
           when d.apln_type = '2' then d.apln_nm
           -- persons (and anything not a business) are masked as privacy.mask_name does
           when char_length(d.apln_nm) = 0 then d.apln_nm
           when char_length(d.apln_nm) = 1 then '*'
           when char_length(d.apln_nm) = 2 then left(d.apln_nm, 1) || '*'
           else left(d.apln_nm, 1) || repeat('*', char_length(d.apln_nm) - 2) || right(d.apln_nm, 1)
       end,
       case when d.pnu ~ '^[0-9]{19}$' then ld.sigungu_nm end
from dated d
join disclosure.open_procedures op on op.proc_cd = d.proc_cd
left join pub_step st on st.ptn_no = d.ptn_no and st.step_seq = d.last_seq
left join pub_step_code sc on sc.step_cd = st.step_cd
left join pub_dept dp on dp.dept_cd = d.dept_cd
left join pub_emp em on em.emp_no = d.chrg_emp_no
left join pub_legal_dong ld on ld.sigungu_cd = left(d.pnu, 5);

insert into disclosure.open_petition_steps
select s.ptn_no, s.step_seq, s.step_cd, coalesce(sc.step_nm, s.step_cd), date_trunc('second', s.step_dtm),
       dp.dept_nm, em.emp_nm, em.title
from pub_step s
join disclosure.open_petitions p on p.ptn_no = s.ptn_no
left join pub_step_code sc on sc.step_cd = s.step_cd
left join pub_dept dp on dp.dept_cd = s.dept_cd
left join pub_emp em on em.emp_no = s.emp_no
where s.step_cd is not null;

insert into disclosure.finance_budget_execution
with paid as (
    select fscl_yr, biz_cd, sum(pay_amt) as amt from pub_payment group by fscl_yr, biz_cd
)
select bu.fscl_yr,
       coalesce(bu.dept_cd, '-'),
       dp.dept_nm,
       bu.biz_cd,
       bu.biz_nm,
       coalesce(bu.bdgt_amt, 0),
       coalesce(bu.supl_amt, 0),
       coalesce(pa.amt, 0),
       round(coalesce(pa.amt, 0)::numeric / nullif(coalesce(bu.bdgt_amt, 0) + coalesce(bu.supl_amt, 0), 0), 4)
from pub_budget bu
left join paid pa on pa.fscl_yr = bu.fscl_yr and pa.biz_cd = bu.biz_cd
left join pub_dept dp on dp.dept_cd = bu.dept_cd;

insert into disclosure.finance_contracts
with paid as (
    select cntr_no, sum(pay_amt) as amt from pub_payment where cntr_no is not null group by cntr_no
)
select c.cntr_no, c.cntr_nm, c.fscl_yr, c.dept_cd, dp.dept_nm, c.biz_cd, c.cntr_mthd_cd,
       case c.cntr_mthd_cd when '10' then 'open competitive' when '20' then 'limited competitive'
                           when '30' then 'negotiated' end,
       v.vndr_nm, v.brn, c.cntr_amt, c.cntr_dt, c.strt_dt, c.end_dt, coalesce(pa.amt, 0)
from pub_contract c
left join pub_vendor v on v.vndr_id = c.vndr_id
left join pub_dept dp on dp.dept_cd = c.dept_cd
left join paid pa on pa.cntr_no = c.cntr_no;

insert into disclosure.finance_payments_monthly
select p.fscl_yr,
       to_char(p.pay_dt, 'YYYY-MM'),
       coalesce(p.dept_cd, '-'),
       min(dp.dept_nm),
       coalesce(p.biz_cd, '-'),
       min(bu.biz_nm),
       count(*),
       sum(p.pay_amt)
from pub_payment p
left join pub_dept dp on dp.dept_cd = p.dept_cd
left join pub_budget bu on bu.fscl_yr = p.fscl_yr and bu.biz_cd = p.biz_cd
where p.fscl_yr is not null and p.pay_dt is not null and p.pay_amt is not null
group by p.fscl_yr, to_char(p.pay_dt, 'YYYY-MM'), coalesce(p.dept_cd, '-'), coalesce(p.biz_cd, '-');
