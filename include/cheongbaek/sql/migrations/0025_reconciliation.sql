-- The reconciliation report: where the systems disagree with each other, as
-- views over core (current versions) and audit, for auditors (cb_auditor reads
-- audit). Keys and amounts only: no names, no identifiers of persons.
-- Idempotent: create or replace.

-- Every current version whose reference is unknown (kept and flagged, never
-- dropped): the entity, its natural key, and the references not found.
create or replace view audit.recon_orphan as
select 'employee' as entity, i.emp_no as natural_key, h.orphan, h.valid_from
  from core.employee_history h join core.employee i using (employee_sk) where h.is_current and h.orphan <> '{}'
union all select 'vendor', i.vndr_id, h.orphan, h.valid_from
  from core.vendor_history h join core.vendor i using (vendor_sk) where h.is_current and h.orphan <> '{}'
union all select 'parcel', i.pnu, h.orphan, h.valid_from
  from core.parcel_history h join core.parcel i using (parcel_sk) where h.is_current and h.orphan <> '{}'
union all select 'building', i.mgm_pmsrgst_pk, h.orphan, h.valid_from
  from core.building_history h join core.building i using (building_sk) where h.is_current and h.orphan <> '{}'
union all select 'petition', i.ptn_no, h.orphan, h.valid_from
  from core.petition_history h join core.petition i using (petition_sk) where h.is_current and h.orphan <> '{}'
union all select 'petition_step', i.ptn_no || '|' || i.step_seq, h.orphan, h.valid_from
  from core.petition_step_history h join core.petition_step i using (petition_step_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'permit', i.prmt_no, h.orphan, h.valid_from
  from core.permit_history h join core.permit i using (permit_sk) where h.is_current and h.orphan <> '{}'
union all select 'inspection', i.insp_no, h.orphan, h.valid_from
  from core.inspection_history h join core.inspection i using (inspection_sk) where h.is_current and h.orphan <> '{}'
union all select 'public_property', i.prop_no, h.orphan, h.valid_from
  from core.public_property_history h join core.public_property i using (public_property_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'public_property_use', i.use_no, h.orphan, h.valid_from
  from core.public_property_use_history h join core.public_property_use i using (public_property_use_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'transfer', i.trnsf_id, h.orphan, h.valid_from
  from core.transfer_history h join core.transfer i using (transfer_sk) where h.is_current and h.orphan <> '{}'
union all select 'realname_violation', i.viol_id, h.orphan, h.valid_from
  from core.realname_violation_history h join core.realname_violation i using (realname_violation_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'use_approval', i.mgm_pmsrgst_pk, h.orphan, h.valid_from
  from core.use_approval_history h join core.use_approval i using (use_approval_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'building_violation', i.viol_pk, h.orphan, h.valid_from
  from core.building_violation_history h join core.building_violation i using (building_violation_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'tax_assessment', i.asmt_no, h.orphan, h.valid_from
  from core.tax_assessment_history h join core.tax_assessment i using (tax_assessment_sk)
  where h.is_current and h.orphan <> '{}'
union all select 'duty', i.imps_no, h.orphan, h.valid_from
  from core.duty_history h join core.duty i using (duty_sk) where h.is_current and h.orphan <> '{}'
union all select 'budget', i.fscl_yr || '|' || i.biz_cd, h.orphan, h.valid_from
  from core.budget_history h join core.budget i using (budget_sk) where h.is_current and h.orphan <> '{}'
union all select 'contract', i.cntr_no, h.orphan, h.valid_from
  from core.contract_history h join core.contract i using (contract_sk) where h.is_current and h.orphan <> '{}'
union all select 'payment', i.pay_no, h.orphan, h.valid_from
  from core.payment_history h join core.payment i using (payment_sk) where h.is_current and h.orphan <> '{}'
union all select 'payroll', i.pay_ym || '|' || i.emp_no, h.orphan, h.valid_from
  from core.payroll_history h join core.payroll i using (payroll_sk) where h.is_current and h.orphan <> '{}';
comment on view audit.recon_orphan is
    'Current versions in core whose references (vendor, permit, contract, department, employee, parcel, ...) are unknown: kept and flagged.';

-- Payments against contracts: each live contract with its live payments, and
-- the live payments whose contract is unknown.
create or replace view audit.recon_contract_payment as
with contract as (
    select i.contract_sk, i.cntr_no, h.dept_cd, h.vndr_id, h.cntr_amt, h.cntr_mthd_cd, h.orphan
    from core.contract i
    join core.contract_history h using (contract_sk)
    where h.is_current and h.del_yn = 'N'
),
paid as (
    select h.contract_sk, h.cntr_no, count(*) as payments, sum(h.pay_amt) as paid_amt
    from core.payment_history h
    where h.is_current and h.del_yn = 'N' and h.cntr_no is not null
    group by h.contract_sk, h.cntr_no
)
select c.cntr_no, c.dept_cd, c.vndr_id, c.cntr_amt,
       coalesce(p.payments, 0) as payments, coalesce(p.paid_amt, 0) as paid_amt,
       c.cntr_amt - coalesce(p.paid_amt, 0) as balance,
       case when coalesce(p.paid_amt, 0) > c.cntr_amt then 'overpaid'
            when p.payments is null then 'no payment yet'
            else 'within contract' end as status
from contract c
left join paid p on p.contract_sk = c.contract_sk
union all
select p.cntr_no, null, null, null, p.payments, p.paid_amt, null, 'contract unknown'
from paid p
where p.contract_sk is null;
comment on view audit.recon_contract_payment is
    'Live contracts against their live payments (overpaid, within, none yet), and live payments to unknown contracts.';

-- Duties against the record they rest on: R01/V01/V02 a permit of the matching
-- type, F01 an inspection, P01 a public-property use, L01 a transfer.
create or replace view audit.recon_duty_basis as
select i.imps_no, h.duty_cd, h.basis_no, h.imps_amt, h.imps_dt,
       case h.duty_cd when 'R01' then 'permit ROAD' when 'V01' then 'permit RIVR' when 'V02' then 'permit RVSF'
                      when 'F01' then 'inspection' when 'P01' then 'public-property use' when 'L01' then 'transfer'
       end as basis_kind,
       case
           when h.basis_no is null or btrim(h.basis_no) = '' then 'no basis'
           when coalesce(h.permit_sk, h.inspection_sk, h.property_use_sk, h.transfer_sk) is null then 'basis unknown'
           when h.duty_cd in ('R01', 'V01', 'V02')
                and pm.prmt_type_cd is distinct from case h.duty_cd when 'R01' then 'ROAD' when 'V01' then 'RIVR'
                                                                    else 'RVSF' end then 'basis of another kind'
           else 'basis found'
       end as status
from core.duty i
join core.duty_history h using (duty_sk)
left join core.permit_history pm on pm.permit_sk = h.permit_sk and pm.is_current
where h.is_current and h.status <> '취소';
comment on view audit.recon_duty_basis is
    'Live duties against the permit, inspection, public-property use or transfer they rest on.';

-- Tax assessments on parcels the land register does not know.
create or replace view audit.recon_tax_unknown_parcel as
select i.asmt_no, h.tax_item_cd, h.pnu, h.tax_amt, h.cause_dt, h.status_cd
from core.tax_assessment i
join core.tax_assessment_history h using (tax_assessment_sk)
where h.is_current and h.pnu is not null and h.parcel_sk is null;
comment on view audit.recon_tax_unknown_parcel is
    'Current tax assessments whose PNU is not in the land register (core.parcel).';

-- Payroll against HR: the employee's record as it stood on the pay day (the
-- newest version known on or before it, else the first one).
create or replace view audit.recon_payroll_hr as
with pay as (
    select i.pay_ym, i.emp_no, h.gross_amt, h.pay_dt, h.employee_sk
    from core.payroll i
    join core.payroll_history h using (payroll_sk)
    where h.is_current
),
stood as (
    select distinct on (p.pay_ym, p.emp_no) p.pay_ym, p.emp_no, e.status, e.retire_dt
    from pay p
    join core.employee_history e on e.employee_sk = p.employee_sk
    order by p.pay_ym, p.emp_no, (e.valid_from::date <= p.pay_dt) desc,
             case when e.valid_from::date <= p.pay_dt then e.valid_from end desc nulls last, e.valid_from
)
select p.pay_ym, p.emp_no, p.gross_amt, p.pay_dt, s.status as hr_status, s.retire_dt,
       case when p.employee_sk is null then 'employee unknown to HR'
            when s.retire_dt is not null and p.pay_dt > s.retire_dt then 'paid after retirement'
            else 'consistent' end as check_result
from pay p
left join stood s on s.pay_ym = p.pay_ym and s.emp_no = p.emp_no;
comment on view audit.recon_payroll_hr is
    'Payroll rows against the employee''s HR record as it stood on the pay day.';

-- Per system and day: what audit.batch says was loaded against what staging
-- holds and what core took in from those batches, with the money they carry.
create or replace view audit.recon_batch_totals as
with staged as (
    select batch_id, count(*) as n, sum(tax_amt) as amt from staging.tax_assessment group by batch_id
    union all select batch_id, count(*), sum(imps_amt) from staging.duty group by batch_id
    union all select batch_id, count(*), null from staging.hr_dept group by batch_id
    union all select batch_id, count(*), null from staging.hr_emp group by batch_id
    union all select batch_id, count(*), sum(gross_amt) from staging.hr_pay group by batch_id
    union all select batch_id, count(*), null from staging.bld_permit group by batch_id
    union all select batch_id, count(*), null from staging.bld_useapr group by batch_id
    union all select batch_id, count(*), null from staging.bld_violation group by batch_id
    union all select batch_id, count(*), null from staging.re_parcel group by batch_id
    union all select batch_id, count(*), sum(price) from staging.re_transfer group by batch_id
    union all select batch_id, count(*), null from staging.re_realname_viol group by batch_id
    union all select batch_id, count(*), sum(bdgt_amt) from staging.fin_budget group by batch_id
    union all select batch_id, count(*), null from staging.fin_vendor group by batch_id
    union all select batch_id, count(*), sum(cntr_amt) from staging.fin_contract group by batch_id
    union all select batch_id, count(*), sum(pay_amt) from staging.fin_payment group by batch_id
    union all select batch_id, count(*), null from staging.fin_pub_prop group by batch_id
    union all select batch_id, count(*), null from staging.fin_pub_prop_use group by batch_id
    union all select batch_id, count(*), null from staging.civ_proc_code group by batch_id
    union all select batch_id, count(*), null from staging.civ_petition group by batch_id
    union all select batch_id, count(*), null from staging.civ_petition_step group by batch_id
    union all select batch_id, count(*), null from staging.civ_permit group by batch_id
    union all select batch_id, count(*), sum(sanction_amt) from staging.civ_inspection group by batch_id
),
per_batch as (
    select b.batch_id, b.system, coalesce(b.delivery_date, b.logical_date) as day, b.rows_loaded,
           coalesce(sum(s.n), 0) as staged_rows, sum(s.amt) as staged_amount,
           exists (select 1 from core.reconciled_batch r where r.batch_id = b.batch_id) as reconciled
    from audit.batch b
    left join staged s on s.batch_id = b.batch_id
    where b.status = 'loaded'
    group by b.batch_id
)
select system, day, count(*) as batches, sum(rows_loaded) as rows_loaded, sum(staged_rows) as staged_rows,
       sum(staged_amount) as staged_amount,
       count(*) filter (where reconciled) as batches_reconciled,
       sum(rows_loaded) = sum(staged_rows) as counts_agree
from per_batch
group by system, day;
comment on view audit.recon_batch_totals is
    'Per system and day: rows audit.batch says were loaded, rows staging holds for those batches (they must agree), '
    'the money they carry, and how many of the batches core has taken in.';
