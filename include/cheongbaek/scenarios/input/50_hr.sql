-- Family "personnel": departments, employee record versions and payroll.
--
-- emp_version collapses the daily HR_EMP snapshots delivered by D into the
-- versions of each employee's record: valid_from is the delivery that
-- introduced the version (-infinity for the first one: "the first snapshot
-- for earlier dates"), valid_to the delivery of the next version. The record
-- "as it stood" on day t is the version with valid_from <= t < valid_to.

drop table if exists scenario_input.dept;
create unlogged table scenario_input.dept as
select distinct on (d.dept_cd) d.dept_cd, d.dept_nm, d.upper_dept_cd
from staging.hr_dept d
join audit.batch b on b.batch_id = d.batch_id and b.status = 'loaded'
where d.delivery_date <= scenario_input.as_of()
order by d.dept_cd, d.delivery_date desc, d.line_no desc;
comment on table scenario_input.dept is 'Departments (HR_DEPT), newest delivery known by the as-of date.';

drop table if exists scenario_input.emp_version;
create unlogged table scenario_input.emp_version as
with snap as (
    select distinct on (e.emp_no, e.delivery_date)
           e.emp_no, e.delivery_date, e.rrn, e.dept_cd, e.grade, e.hire_dt, e.retire_dt, e.status,
           btrim(e.bank_cd) as bank_cd, btrim(e.acct_no) as acct_no
    from staging.hr_emp e
    join audit.batch b on b.batch_id = e.batch_id and b.status = 'loaded'
    where e.delivery_date <= scenario_input.as_of()
    order by e.emp_no, e.delivery_date, e.line_no desc
), marked as (
    select snap.*,
           row(rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no)::text as state,
           lag(row(rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no)::text)
               over (partition by emp_no order by delivery_date) as prev_state
    from snap
), versions as (
    select emp_no, delivery_date, rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no,
           prev_state is null as is_first
    from marked
    where prev_state is distinct from state
)
select emp_no,
       case when is_first then '-infinity'::date else delivery_date end as valid_from,
       coalesce(lead(delivery_date) over (partition by emp_no order by delivery_date), 'infinity'::date) as valid_to,
       rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no
from versions;
create index on scenario_input.emp_version (emp_no, valid_from);
create index on scenario_input.emp_version (rrn, dept_cd);
create index on scenario_input.emp_version (dept_cd, valid_from);
comment on table scenario_input.emp_version is
    'Versions of each employee record from the HR snapshots delivered by the as-of date: as it stood on t = valid_from <= t < valid_to.';

drop table if exists scenario_input.pay;
create unlogged table scenario_input.pay as
select distinct on (p.pay_ym, p.emp_no)
       p.pay_ym, p.emp_no, p.gross_amt, p.pay_dt, btrim(p.bank_cd) as bank_cd, btrim(p.acct_no) as acct_no
from staging.hr_pay p
join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
where p.delivery_date <= scenario_input.as_of()
order by p.pay_ym, p.emp_no, p.delivery_date desc, p.line_no desc;
create index on scenario_input.pay (emp_no);
comment on table scenario_input.pay is 'Payroll rows, newest delivery of (pay_ym, emp_no) known by the as-of date.';
