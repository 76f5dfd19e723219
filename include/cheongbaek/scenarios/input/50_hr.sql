-- Family "personnel": departments, employee record versions and payroll, read
-- from core (HR files: a version is valid from the delivery day that
-- introduced it).
--
-- emp_version: the versions of each employee's record known by D (core's
-- versions with valid_from <= D), merged where the fields the scenarios use
-- do not change (core also versions the name, title and RRN status):
-- valid_from is the delivery that introduced the version (-infinity for the
-- first one: "the first snapshot for earlier dates"), valid_to the delivery
-- of the next version known by D (infinity for the last). The record "as it
-- stood" on day t is the version with valid_from <= t < valid_to.

drop table if exists scenario_input.dept;
create unlogged table scenario_input.dept as
select i.dept_cd, h.dept_nm, h.upper_dept_cd
from core.department_history h
join core.department i on i.department_sk = h.department_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.dept is 'Departments (HR_DEPT), version valid on the as-of date, from core.department.';

drop table if exists scenario_input.emp_version;
create unlogged table scenario_input.emp_version as
with known as (
    select i.emp_no, h.valid_from::date as delivery_date, h.rrn, h.dept_cd, h.grade, h.hire_dt, h.retire_dt,
           h.status, btrim(h.bank_cd) as bank_cd, btrim(h.acct_no) as acct_no
    from core.employee_history h
    join core.employee i on i.employee_sk = h.employee_sk
    where h.valid_from < (select scenario_input.as_of() + 1)
), marked as (
    select known.*,
           row(rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no)::text as state,
           lag(row(rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no)::text)
               over (partition by emp_no order by delivery_date) as prev_state,
           row_number() over (partition by emp_no order by delivery_date) = 1 as is_first
    from known
), versions as (
    select emp_no, delivery_date, rrn, dept_cd, grade, hire_dt, retire_dt, status, bank_cd, acct_no, is_first
    from marked
    where is_first or prev_state is distinct from state
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
    'Versions of each employee record known by the as-of date (core.employee): as it stood on t = '
    'valid_from <= t < valid_to.';

drop table if exists scenario_input.pay;
create unlogged table scenario_input.pay as
select i.pay_ym, i.emp_no, h.gross_amt, h.pay_dt, btrim(h.bank_cd) as bank_cd, btrim(h.acct_no) as acct_no
from core.payroll_history h
join core.payroll i on i.payroll_sk = h.payroll_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
-- No index: HR-01 and HR-02 read every row (a hash join, an aggregate), and an
-- index on the biggest input table cost as much as building the table.
comment on table scenario_input.pay is 'Payroll rows, version of (pay_ym, emp_no) valid on the as-of date, from core.payroll.';
