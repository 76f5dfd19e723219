-- The interface for downstream services: one view per entity of core, over
-- its current version (core.E joined with core.E_history where is_current),
-- documented column by column. schemas/mart/<view>.json is the contract of
-- each view (names, order, types, descriptions); tests/integration/
-- test_mart.py keeps the two equal.
--
-- Every view shows: the surrogate key <entity>_sk (the primary key), the
-- natural key, the attributes, the resolved references as *_sk (into
-- another mart view), `orphan` (references not yet resolved), first_seen
-- and version_from (valid_from of the current version). An identity whose
-- every version was withdrawn (a re-delivered day took it back) has no
-- current version and is not shown.
--
-- Privacy: party identifiers and personal names live in mart.party only;
-- every other view refers to a party (owner, holder, applicant, taxpayer,
-- representative, ...) by its *_sk. No RRN or RRN status, no bank or
-- account, no address, no free text (memo, violCn) is exposed.
--
-- Versioning (schemas/mart/README.md): adding a column at the end is a
-- minor change of the same view; removing, renaming, reordering or retyping
-- one is a new major version under a new name (mart.v2_<view>), the old
-- view kept until its readers have moved. `create or replace view` enforces
-- this: it can only append columns.
--
-- The views run with their owner's rights: cb_reader reads them without any
-- right on core, and row-level security of core (0021_access.sql) does not
-- apply to them (mart.petition shows every petition, without applicants).
-- Idempotent: create or replace.

-- ---------------------------------------------------------------- party
create or replace view mart.party as
select p.party_sk,
       p.party_type,
       p.party_id,
       p.id_status,
       p.first_seen,
       coalesce((select array_agg(distinct n.party_nm order by n.party_nm)
                 from core.party_name n where n.party_sk = p.party_sk), '{}'::text[]) as names
from core.party p;
comment on view mart.party is 'One row per party: a person (party type 1, identified by the keyed pseudonym of the RRN, never the number) or a business (party type 2, by its BRN), with every name the systems gave it. The only view holding party identifiers and personal names: the other views refer to parties by *_sk.';
comment on column mart.party.party_sk is 'Surrogate key of the party (core.party.party_sk): stable, never reused; the primary key of this view.';
comment on column mart.party.party_type is 'Party type (core.party.party_type): 1 person, 2 business.';
comment on column mart.party.party_id is 'The party''s identifier (core.party.party_id): for a person the keyed pseudonym of the RRN (''p_'' and 32 hex digits, never the number), for a business the 10-digit BRN.';
comment on column mart.party.id_status is 'Validity of the identifier (core.party.id_status): valid or unverifiable (an RRN whose check digit differs) for persons, brn for businesses.';
comment on column mart.party.first_seen is 'The earliest delivery or update day on which any system named the party (core.party.first_seen).';
comment on column mart.party.names is 'Every distinct name any system gave the party, in alphabetical order (core.party_name.party_nm); empty when none was given.';

-- ---------------------------------------------------------------- department
create or replace view mart.department as
select i.department_sk,
       i.dept_cd,
       h.dept_nm,
       h.upper_dept_cd,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.department i
join core.department_history h on h.department_sk = i.department_sk and h.is_current;
comment on view mart.department is 'One row per department of the city, as HR_DEPT currently describes it.';
comment on column mart.department.department_sk is 'Surrogate key of the department (core.department.department_sk): stable, never reused; the primary key of this view.';
comment on column mart.department.dept_cd is 'Department code, 7 digits (HR_DEPT.dept_cd): the natural key.';
comment on column mart.department.dept_nm is 'Department name (HR_DEPT.dept_nm).';
comment on column mart.department.upper_dept_cd is 'Code of the parent department (HR_DEPT.upper_dept_cd); null at the top.';
comment on column mart.department.orphan is 'Names of the references of this version whose target is not known (core.department_history.orphan); always empty here, as a department references nothing. Kept so that every view has it.';
comment on column mart.department.first_seen is 'When the department first became known: the earliest version''s delivery day (files) or update time (databases) (core.department.first_seen).';
comment on column mart.department.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.department_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- employee
create or replace view mart.employee as
select i.employee_sk,
       i.emp_no,
       h.emp_nm,
       h.dept_cd,
       h.grade,
       h.title,
       h.hire_dt,
       h.retire_dt,
       h.status,
       h.person_sk,
       h.department_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.employee i
join core.employee_history h on h.employee_sk = i.employee_sk and h.is_current;
comment on view mart.employee is 'One row per employee on HR record, current version. No RRN (see person_sk), no bank account, no address.';
comment on column mart.employee.employee_sk is 'Surrogate key of the employee (core.employee.employee_sk): stable, never reused; the primary key of this view.';
comment on column mart.employee.emp_no is 'Employee number, 9 digits zero-padded (HR_EMP.emp_no): the natural key.';
comment on column mart.employee.emp_nm is 'Employee name (HR_EMP.emp_nm).';
comment on column mart.employee.dept_cd is 'Code of the employee''s department (HR_EMP.dept_cd).';
comment on column mart.employee.grade is 'Grade, 1 (highest) to 9 (HR_EMP.grade).';
comment on column mart.employee.title is 'Job title in Korean (HR_EMP.title).';
comment on column mart.employee.hire_dt is 'Hiring date (HR_EMP.hire_dt).';
comment on column mart.employee.retire_dt is 'Retirement date (HR_EMP.retire_dt); null while employed.';
comment on column mart.employee.status is 'Employment status (HR_EMP.status): 재직 active, 휴직 on leave, 퇴직 retired.';
comment on column mart.employee.person_sk is 'The employee as a person (party type 1, matched by the RRN pseudonym): surrogate key into mart.party (core.employee_history.person_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.employee.department_sk is 'The employee''s department (matched by dept_cd): surrogate key into mart.department (core.employee_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.employee.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {person}; empty when every reference resolved (core.employee_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.employee.first_seen is 'When the employee first became known: the earliest version''s delivery day (files) or update time (databases) (core.employee.first_seen).';
comment on column mart.employee.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.employee_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- vendor
create or replace view mart.vendor as
select i.vendor_sk,
       i.vndr_id,
       h.brn,
       h.vndr_nm,
       h.biz_stat_cd,
       h.clsd_dt,
       h.business_sk,
       h.representative_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.vendor i
join core.vendor_history h on h.vendor_sk = i.vendor_sk and h.is_current;
comment on view mart.vendor is 'One row per vendor of the finance system (e-hojo tb_vendor), current version. No representative RRN or name (see representative_sk), no bank account, no address.';
comment on column mart.vendor.vendor_sk is 'Surrogate key of the vendor (core.vendor.vendor_sk): stable, never reused; the primary key of this view.';
comment on column mart.vendor.vndr_id is 'Vendor id (tb_vendor.vndr_id): the natural key.';
comment on column mart.vendor.brn is 'Business registration number, 10 digits without hyphens (tb_vendor.brn).';
comment on column mart.vendor.vndr_nm is 'Vendor (business) name (tb_vendor.vndr_nm).';
comment on column mart.vendor.biz_stat_cd is 'Business status (tb_vendor.biz_stat_cd): 01 active, 02 suspended, 03 closed.';
comment on column mart.vendor.clsd_dt is 'Day the suspension or closure began (tb_vendor.clsd_dt); null while active.';
comment on column mart.vendor.business_sk is 'The vendor as a business (party type 2, matched by the BRN): surrogate key into mart.party (core.vendor_history.business_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.vendor.representative_sk is 'The vendor''s representative as a person (party type 1, matched by the RRN pseudonym): surrogate key into mart.party (core.vendor_history.representative_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.vendor.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {business}; empty when every reference resolved (core.vendor_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.vendor.first_seen is 'When the vendor first became known: the earliest version''s delivery day (files) or update time (databases) (core.vendor.first_seen).';
comment on column mart.vendor.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.vendor_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- parcel
create or replace view mart.parcel as
select i.parcel_sk,
       i.pnu,
       h.jimok,
       h.area_m2,
       h.ofcl_price,
       h.public_yn,
       h.chg_dt,
       h.owner_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.parcel i
join core.parcel_history h on h.parcel_sk = i.parcel_sk and h.is_current;
comment on view mart.parcel is 'One row per land parcel of the land register (RE_PARCEL), current version. The owner is owner_sk (names and ids in mart.party).';
comment on column mart.parcel.parcel_sk is 'Surrogate key of the parcel (core.parcel.parcel_sk): stable, never reused; the primary key of this view.';
comment on column mart.parcel.pnu is 'Parcel number, 19 digits: legal-dong code, land kind, main and sub lot (RE_PARCEL.pnu, normalised): the natural key.';
comment on column mart.parcel.jimok is 'Land category in Korean (RE_PARCEL.jimok): 대 site, 전 field, 답 paddy, 임 forest, 도 road, 천 river.';
comment on column mart.parcel.area_m2 is 'Area in square metres (RE_PARCEL.area_m2).';
comment on column mart.parcel.ofcl_price is 'Official land price per square metre, in won (RE_PARCEL.ofcl_price).';
comment on column mart.parcel.public_yn is 'Y when publicly owned (RE_PARCEL.public_yn).';
comment on column mart.parcel.chg_dt is 'Date of the register change that produced this version (RE_PARCEL.chg_dt).';
comment on column mart.parcel.owner_sk is 'The owner (matched by owner_type and owner_id): surrogate key into mart.party (core.parcel_history.owner_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.parcel.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {owner}; empty when every reference resolved (core.parcel_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.parcel.first_seen is 'When the parcel first became known: the earliest version''s delivery day (files) or update time (databases) (core.parcel.first_seen).';
comment on column mart.parcel.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.parcel_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- building
create or replace view mart.building as
select i.building_sk,
       i.mgm_pmsrgst_pk,
       h.pnu,
       h.plat_gb_cd,
       h.sigungu_cd,
       h.bjdong_cd,
       h.bun,
       h.ji,
       h.main_purps_cd,
       h.main_purps_cd_nm,
       h.tot_area,
       h.arch_pms_day,
       h.stat,
       h.last_upd_dt,
       h.parcel_sk,
       h.owner_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.building i
join core.building_history h on h.building_sk = i.building_sk and h.is_current;
comment on view mart.building is 'One row per building permit of the building register (bld_permit), current version. The owner is owner_sk; no address text.';
comment on column mart.building.building_sk is 'Surrogate key of the building (core.building.building_sk): stable, never reused; the primary key of this view.';
comment on column mart.building.mgm_pmsrgst_pk is 'Building-register permit key (bld_permit.mgmPmsrgstPk): the natural key.';
comment on column mart.building.pnu is 'Parcel number, 19 digits, composed from the lot parts; null for a block site (platGbCd 2).';
comment on column mart.building.plat_gb_cd is 'Land kind (bld_permit.platGbCd): 0 ordinary, 1 mountain, 2 block.';
comment on column mart.building.sigungu_cd is 'District code, 5 digits (bld_permit.sigunguCd).';
comment on column mart.building.bjdong_cd is 'Legal-dong code within the district, 5 digits (bld_permit.bjdongCd).';
comment on column mart.building.bun is 'Main lot number, 4 digits (bld_permit.bun); a block number for a block site.';
comment on column mart.building.ji is 'Sub lot number, 4 digits (bld_permit.ji); a lot number within the block for a block site.';
comment on column mart.building.main_purps_cd is 'Main use code of the building register (bld_permit.mainPurpsCd), e.g. 01000 detached house, 14000 office.';
comment on column mart.building.main_purps_cd_nm is 'Name of the main use (bld_permit.mainPurpsCdNm).';
comment on column mart.building.tot_area is 'Total floor area in square metres (bld_permit.totArea).';
comment on column mart.building.arch_pms_day is 'Building permit date (bld_permit.archPmsDay).';
comment on column mart.building.stat is 'Permit status (bld_permit.stat): 허가 permitted, 착공 started, 사용승인 approved for use, 취소 cancelled.';
comment on column mart.building.last_upd_dt is 'When the building register last changed the record (bld_permit.lastUpdDt).';
comment on column mart.building.parcel_sk is 'The parcel the building stands on (matched by pnu): surrogate key into mart.parcel (core.building_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.building.owner_sk is 'The building''s owner (matched by ownrGbCd and ownrId): surrogate key into mart.party (core.building_history.owner_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.building.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {parcel}; empty when every reference resolved (core.building_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.building.first_seen is 'When the building first became known: the earliest version''s delivery day (files) or update time (databases) (core.building.first_seen).';
comment on column mart.building.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.building_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- use_approval
create or replace view mart.use_approval as
select i.use_approval_sk,
       i.mgm_pmsrgst_pk,
       h.use_apr_day,
       h.tot_area,
       h.main_purps_cd,
       h.last_upd_dt,
       h.building_sk,
       h.owner_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.use_approval i
join core.use_approval_history h on h.use_approval_sk = i.use_approval_sk and h.is_current;
comment on view mart.use_approval is 'One row per use approval (completion) of a building permit (bld_useapr), current version. The owner is owner_sk.';
comment on column mart.use_approval.use_approval_sk is 'Surrogate key of the use approval (core.use_approval.use_approval_sk): stable, never reused; the primary key of this view.';
comment on column mart.use_approval.mgm_pmsrgst_pk is 'Building-register permit key (bld_useapr.mgmPmsrgstPk): the natural key, one approval a permit.';
comment on column mart.use_approval.use_apr_day is 'Use approval date (bld_useapr.useAprDay).';
comment on column mart.use_approval.tot_area is 'Approved total floor area in square metres (bld_useapr.totArea).';
comment on column mart.use_approval.main_purps_cd is 'Approved main use code (bld_useapr.mainPurpsCd).';
comment on column mart.use_approval.last_upd_dt is 'When the building register last changed the record (bld_useapr.lastUpdDt).';
comment on column mart.use_approval.building_sk is 'The building permit approved for use (same mgm_pmsrgst_pk): surrogate key into mart.building (core.use_approval_history.building_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.use_approval.owner_sk is 'The owner at approval (matched by ownrGbCd and ownrId): surrogate key into mart.party (core.use_approval_history.owner_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.use_approval.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {building}; empty when every reference resolved (core.use_approval_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.use_approval.first_seen is 'When the use approval first became known: the earliest version''s delivery day (files) or update time (databases) (core.use_approval.first_seen).';
comment on column mart.use_approval.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.use_approval_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- procedure
create or replace view mart.procedure as
select i.procedure_sk,
       i.proc_cd,
       h.sector_cd,
       h.proc_nm,
       h.legal_days,
       h.open_yn,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.procedure i
join core.procedure_history h on h.procedure_sk = i.procedure_sk and h.is_current;
comment on view mart.procedure is 'One row per civil-petition procedure of the Saeol code table (proc_code), current version.';
comment on column mart.procedure.procedure_sk is 'Surrogate key of the procedure (core.procedure.procedure_sk): stable, never reused; the primary key of this view.';
comment on column mart.procedure.proc_cd is 'Procedure code, 5 characters (proc_code.proc_cd): the natural key.';
comment on column mart.procedure.sector_cd is 'Sector code (proc_code.sector_cd).';
comment on column mart.procedure.proc_nm is 'Procedure name (proc_code.proc_nm).';
comment on column mart.procedure.legal_days is 'Legal processing period in business days (proc_code.legal_days).';
comment on column mart.procedure.open_yn is 'Y when the procedure is disclosed to the public under OPEN (proc_code.open_yn).';
comment on column mart.procedure.orphan is 'Names of the references of this version whose target is not known (core.procedure_history.orphan); always empty here, as a procedure references nothing. Kept so that every view has it.';
comment on column mart.procedure.first_seen is 'When the procedure first became known: the earliest version''s delivery day (files) or update time (databases) (core.procedure.first_seen).';
comment on column mart.procedure.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.procedure_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- petition
create or replace view mart.petition as
select i.petition_sk,
       i.ptn_no,
       h.proc_cd,
       h.rcpt_dtm,
       h.pnu,
       h.dept_cd,
       h.chrg_emp_no,
       h.due_dt,
       h.stat_cd,
       h.rslt_cd,
       h.cmpl_dtm,
       h.procedure_sk,
       h.applicant_sk,
       h.parcel_sk,
       h.department_sk,
       h.employee_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.petition i
join core.petition_history h on h.petition_sk = i.petition_sk and h.is_current;
comment on view mart.petition is 'One row per civil petition (Saeol petition), current version. No applicant name, id or address: the applicant is applicant_sk.';
comment on column mart.petition.petition_sk is 'Surrogate key of the petition (core.petition.petition_sk): stable, never reused; the primary key of this view.';
comment on column mart.petition.ptn_no is 'Petition number (petition.ptn_no): the natural key.';
comment on column mart.petition.proc_cd is 'Procedure code (petition.proc_cd).';
comment on column mart.petition.rcpt_dtm is 'When the petition was received (petition.rcpt_dtm).';
comment on column mart.petition.pnu is 'Parcel number the petition concerns, 19 digits (petition.pnu); null when none.';
comment on column mart.petition.dept_cd is 'Code of the department in charge (petition.dept_cd).';
comment on column mart.petition.chrg_emp_no is 'Employee number of the official in charge, 9 digits (petition.chrg_emp_no, zero-padded).';
comment on column mart.petition.due_dt is 'Due date as the legacy system computed it, calendar days and often wrong (petition.due_dt).';
comment on column mart.petition.stat_cd is 'Status (petition.stat_cd): RCV received, PRC in process, END completed, WDR withdrawn.';
comment on column mart.petition.rslt_cd is 'Result (petition.rslt_cd): A approved, R rejected; null while open or when withdrawn.';
comment on column mart.petition.cmpl_dtm is 'When the petition was completed or withdrawn (petition.cmpl_dtm).';
comment on column mart.petition.procedure_sk is 'The petition''s procedure (matched by proc_cd): surrogate key into mart.procedure (core.petition_history.procedure_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition.applicant_sk is 'The applicant (matched by apln_type and apln_id): surrogate key into mart.party (core.petition_history.applicant_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition.parcel_sk is 'The parcel concerned (matched by pnu): surrogate key into mart.parcel (core.petition_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition.department_sk is 'The department in charge (matched by dept_cd): surrogate key into mart.department (core.petition_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition.employee_sk is 'The official in charge (matched by chrg_emp_no): surrogate key into mart.employee (core.petition_history.employee_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {procedure}; empty when every reference resolved (core.petition_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.petition.first_seen is 'When the petition first became known: the earliest version''s delivery day (files) or update time (databases) (core.petition.first_seen).';
comment on column mart.petition.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.petition_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- petition_step
create or replace view mart.petition_step as
select i.petition_step_sk,
       i.ptn_no,
       i.step_seq,
       h.step_cd,
       h.step_dtm,
       h.emp_no,
       h.dept_cd,
       h.petition_sk,
       h.department_sk,
       h.employee_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.petition_step i
join core.petition_step_history h on h.petition_step_sk = i.petition_step_sk and h.is_current;
comment on view mart.petition_step is 'One row per step of a civil petition (Saeol petition_step), current version. No memo.';
comment on column mart.petition_step.petition_step_sk is 'Surrogate key of the petition step (core.petition_step.petition_step_sk): stable, never reused; the primary key of this view.';
comment on column mart.petition_step.ptn_no is 'Petition number (petition_step.ptn_no): part of the natural key.';
comment on column mart.petition_step.step_seq is 'Order of the step within the petition (petition_step.step_seq): part of the natural key.';
comment on column mart.petition_step.step_cd is 'Step code (petition_step.step_cd): RCPT reception, REVW review, CNSL consultation, FLDI field inspection, DLBR deliberation, EXTN extension, DCSN decision, NOTI notification.';
comment on column mart.petition_step.step_dtm is 'When the step was taken (petition_step.step_dtm).';
comment on column mart.petition_step.emp_no is 'Employee number of the official who took the step, 9 digits (petition_step.emp_no, zero-padded).';
comment on column mart.petition_step.dept_cd is 'Code of the department that took the step (petition_step.dept_cd).';
comment on column mart.petition_step.petition_sk is 'The petition (matched by ptn_no): surrogate key into mart.petition (core.petition_step_history.petition_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition_step.department_sk is 'The department that took the step (matched by dept_cd): surrogate key into mart.department (core.petition_step_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition_step.employee_sk is 'The official who took the step (matched by emp_no): surrogate key into mart.employee (core.petition_step_history.employee_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.petition_step.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {petition}; empty when every reference resolved (core.petition_step_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.petition_step.first_seen is 'When the petition step first became known: the earliest version''s delivery day (files) or update time (databases) (core.petition_step.first_seen).';
comment on column mart.petition_step.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.petition_step_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- permit
create or replace view mart.permit as
select i.permit_sk,
       i.prmt_no,
       h.prmt_type_cd,
       h.biz_type_cd,
       h.pnu,
       h.area_m2,
       h.strt_dt,
       h.end_dt,
       h.ptn_no,
       h.holder_sk,
       h.parcel_sk,
       h.petition_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.permit i
join core.permit_history h on h.permit_sk = i.permit_sk and h.is_current;
comment on view mart.permit is 'One row per permit of the civil system (Saeol permit), current version. The holder is holder_sk.';
comment on column mart.permit.permit_sk is 'Surrogate key of the permit (core.permit.permit_sk): stable, never reused; the primary key of this view.';
comment on column mart.permit.prmt_no is 'Permit number (permit.prmt_no): the natural key.';
comment on column mart.permit.prmt_type_cd is 'Permit type (permit.prmt_type_cd): ROAD road occupancy, RIVR river occupancy, RVSF river-surface use, FOOD food business licence, ADVT outdoor advertisement.';
comment on column mart.permit.biz_type_cd is 'Business type of a FOOD licence (permit.biz_type_cd): GEN restaurant, BAR adult-entertainment bar.';
comment on column mart.permit.pnu is 'Parcel number, 19 digits (permit.pnu); null when none.';
comment on column mart.permit.area_m2 is 'Permitted area in square metres (permit.area_m2).';
comment on column mart.permit.strt_dt is 'First day the permit is active (permit.strt_dt).';
comment on column mart.permit.end_dt is 'Last day the permit is active (permit.end_dt); null is open-ended.';
comment on column mart.permit.ptn_no is 'Number of the petition the permit originated from (permit.ptn_no).';
comment on column mart.permit.holder_sk is 'The permit holder (matched by holder_type and holder_id): surrogate key into mart.party (core.permit_history.holder_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.permit.parcel_sk is 'The parcel (matched by pnu): surrogate key into mart.parcel (core.permit_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.permit.petition_sk is 'The originating petition (matched by ptn_no): surrogate key into mart.petition (core.permit_history.petition_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.permit.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {holder}; empty when every reference resolved (core.permit_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.permit.first_seen is 'When the permit first became known: the earliest version''s delivery day (files) or update time (databases) (core.permit.first_seen).';
comment on column mart.permit.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.permit_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- inspection
create or replace view mart.inspection as
select i.inspection_sk,
       i.insp_no,
       h.prmt_no,
       h.insp_dt,
       h.viol_yn,
       h.viol_cd,
       h.sanction_cd,
       h.sanction_amt,
       h.permit_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.inspection i
join core.inspection_history h on h.inspection_sk = i.inspection_sk and h.is_current;
comment on view mart.inspection is 'One row per inspection of a permit (Saeol inspection), current version.';
comment on column mart.inspection.inspection_sk is 'Surrogate key of the inspection (core.inspection.inspection_sk): stable, never reused; the primary key of this view.';
comment on column mart.inspection.insp_no is 'Inspection number (inspection.insp_no): the natural key.';
comment on column mart.inspection.prmt_no is 'Number of the inspected permit (inspection.prmt_no).';
comment on column mart.inspection.insp_dt is 'Inspection date (inspection.insp_dt).';
comment on column mart.inspection.viol_yn is 'Y when a violation was found (inspection.viol_yn).';
comment on column mart.inspection.viol_cd is 'Violation code (inspection.viol_cd).';
comment on column mart.inspection.sanction_cd is 'Sanction (inspection.sanction_cd): FINE penalty surcharge, WARN warning, SUSP suspension.';
comment on column mart.inspection.sanction_amt is 'Penalty surcharge in won; 0 for WARN and SUSP (inspection.sanction_amt).';
comment on column mart.inspection.permit_sk is 'The inspected permit (matched by prmt_no): surrogate key into mart.permit (core.inspection_history.permit_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.inspection.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {permit}; empty when every reference resolved (core.inspection_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.inspection.first_seen is 'When the inspection first became known: the earliest version''s delivery day (files) or update time (databases) (core.inspection.first_seen).';
comment on column mart.inspection.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.inspection_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- public_property
create or replace view mart.public_property as
select i.public_property_sk,
       i.prop_no,
       h.pnu,
       h.prop_type_cd,
       h.area_m2,
       h.acq_dt,
       h.disp_dt,
       h.disp_amt,
       h.parcel_sk,
       h.buyer_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.public_property i
join core.public_property_history h on h.public_property_sk = i.public_property_sk and h.is_current;
comment on view mart.public_property is 'One row per public property of the finance system (e-hojo tb_pub_prop), current version. The buyer of a sold property is buyer_sk.';
comment on column mart.public_property.public_property_sk is 'Surrogate key of the public property (core.public_property.public_property_sk): stable, never reused; the primary key of this view.';
comment on column mart.public_property.prop_no is 'Public property number (tb_pub_prop.prop_no): the natural key.';
comment on column mart.public_property.pnu is 'Parcel number, 19 digits (tb_pub_prop.pnu).';
comment on column mart.public_property.prop_type_cd is 'Property type (tb_pub_prop.prop_type_cd): L land, B building.';
comment on column mart.public_property.area_m2 is 'Area in square metres (tb_pub_prop.area_m2).';
comment on column mart.public_property.acq_dt is 'Acquisition date (tb_pub_prop.acq_dt).';
comment on column mart.public_property.disp_dt is 'Date of sale (tb_pub_prop.disp_dt); null unless sold.';
comment on column mart.public_property.disp_amt is 'Sale price in won (tb_pub_prop.disp_amt).';
comment on column mart.public_property.parcel_sk is 'The parcel (matched by pnu): surrogate key into mart.parcel (core.public_property_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.public_property.buyer_sk is 'The buyer of a sold property (matched by disp_party_type and disp_party_id): surrogate key into mart.party (core.public_property_history.buyer_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.public_property.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {parcel}; empty when every reference resolved (core.public_property_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.public_property.first_seen is 'When the public property first became known: the earliest version''s delivery day (files) or update time (databases) (core.public_property.first_seen).';
comment on column mart.public_property.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.public_property_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- public_property_use
create or replace view mart.public_property_use as
select i.public_property_use_sk,
       i.use_no,
       h.prop_no,
       h.area_m2,
       h.strt_dt,
       h.end_dt,
       h.property_sk,
       h.user_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.public_property_use i
join core.public_property_use_history h on h.public_property_use_sk = i.public_property_use_sk and h.is_current;
comment on view mart.public_property_use is 'One row per permitted use of a public property (e-hojo tb_pub_prop_use), current version. The user is user_sk.';
comment on column mart.public_property_use.public_property_use_sk is 'Surrogate key of the public property use (core.public_property_use.public_property_use_sk): stable, never reused; the primary key of this view.';
comment on column mart.public_property_use.use_no is 'Use number (tb_pub_prop_use.use_no): the natural key.';
comment on column mart.public_property_use.prop_no is 'Number of the public property used (tb_pub_prop_use.prop_no).';
comment on column mart.public_property_use.area_m2 is 'Area used in square metres (tb_pub_prop_use.area_m2).';
comment on column mart.public_property_use.strt_dt is 'First day of the use (tb_pub_prop_use.strt_dt).';
comment on column mart.public_property_use.end_dt is 'Last day of the use (tb_pub_prop_use.end_dt); null is open-ended.';
comment on column mart.public_property_use.property_sk is 'The public property used (matched by prop_no): surrogate key into mart.public_property (core.public_property_use_history.property_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.public_property_use.user_sk is 'The user (matched by user_party_type and user_party_id): surrogate key into mart.party (core.public_property_use_history.user_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.public_property_use.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {property}; empty when every reference resolved (core.public_property_use_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.public_property_use.first_seen is 'When the public property use first became known: the earliest version''s delivery day (files) or update time (databases) (core.public_property_use.first_seen).';
comment on column mart.public_property_use.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.public_property_use_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- tax_assessment
create or replace view mart.tax_assessment as
select i.tax_assessment_sk,
       i.asmt_no,
       h.tax_item_cd,
       h.pnu,
       h.tax_base_amt,
       h.tax_amt,
       h.cause_dt,
       h.asmt_dt,
       h.due_dt,
       h.paid_dt,
       h.status_cd,
       h.dept_cd,
       h.party_sk,
       h.parcel_sk,
       h.department_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.tax_assessment i
join core.tax_assessment_history h on h.tax_assessment_sk = i.tax_assessment_sk and h.is_current;
comment on view mart.tax_assessment is 'One row per local tax assessment (TAXASMT files), current version. The taxpayer is party_sk.';
comment on column mart.tax_assessment.tax_assessment_sk is 'Surrogate key of the tax assessment (core.tax_assessment.tax_assessment_sk): stable, never reused; the primary key of this view.';
comment on column mart.tax_assessment.asmt_no is 'Assessment number (TAXASMT asmt_no): the natural key.';
comment on column mart.tax_assessment.tax_item_cd is 'Tax item (tax_item_cd): 101 acquisition tax, 102 acquisition tax at the heavy rate, 201 property tax, 301 resident tax (business premises), 501 registration and licence tax.';
comment on column mart.tax_assessment.pnu is 'Parcel number, 19 digits (pnu); null when the item has no parcel.';
comment on column mart.tax_assessment.tax_base_amt is 'Tax base in won (tax_base_amt).';
comment on column mart.tax_assessment.tax_amt is 'Tax amount in won (tax_amt); negative for a refund or downward correction.';
comment on column mart.tax_assessment.cause_dt is 'Taxable event date (cause_dt): the acquisition for 101/102, the legal base date for the others.';
comment on column mart.tax_assessment.asmt_dt is 'Assessment date (asmt_dt).';
comment on column mart.tax_assessment.due_dt is 'Due date (due_dt).';
comment on column mart.tax_assessment.paid_dt is 'Payment date (paid_dt); null while unpaid.';
comment on column mart.tax_assessment.status_cd is 'Status (status_cd): 01 assessed, 02 paid, 09 cancelled.';
comment on column mart.tax_assessment.dept_cd is 'Code of the assessing department (dept_cd).';
comment on column mart.tax_assessment.party_sk is 'The taxpayer (matched by party_type and party_id): surrogate key into mart.party (core.tax_assessment_history.party_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.tax_assessment.parcel_sk is 'The parcel (matched by pnu): surrogate key into mart.parcel (core.tax_assessment_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.tax_assessment.department_sk is 'The assessing department (matched by dept_cd): surrogate key into mart.department (core.tax_assessment_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.tax_assessment.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {party}; empty when every reference resolved (core.tax_assessment_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.tax_assessment.first_seen is 'When the tax assessment first became known: the earliest version''s delivery day (files) or update time (databases) (core.tax_assessment.first_seen).';
comment on column mart.tax_assessment.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.tax_assessment_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- duty
create or replace view mart.duty as
select i.duty_sk,
       i.imps_no,
       h.duty_cd,
       h.pnu,
       h.basis_no,
       h.imps_amt,
       h.imps_dt,
       h.due_dt,
       h.paid_dt,
       h.status,
       h.dept_cd,
       h.party_sk,
       h.parcel_sk,
       h.department_sk,
       h.permit_sk,
       h.inspection_sk,
       h.property_use_sk,
       h.transfer_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.duty i
join core.duty_history h on h.duty_sk = i.duty_sk and h.is_current;
comment on view mart.duty is 'One row per non-tax duty imposed (fees, charges, fines; DUTY files), current version. The payer is party_sk.';
comment on column mart.duty.duty_sk is 'Surrogate key of the duty (core.duty.duty_sk): stable, never reused; the primary key of this view.';
comment on column mart.duty.imps_no is 'Imposition number (부과번호, imps_no): the natural key.';
comment on column mart.duty.duty_cd is 'Revenue code (세입코드, duty_cd): R01 road occupancy fee, V01 river occupancy fee, V02 river-surface use fee, F01 food-sanitation penalty surcharge, P01 public-property use fee, L01 late real-estate registration fine.';
comment on column mart.duty.pnu is 'Parcel number, 19 digits (필지번호, pnu); null when none.';
comment on column mart.duty.basis_no is 'Number of the record the imposition rests on (근거번호, basis_no): a permit (R01, V01, V02), an inspection (F01), a public-property use (P01), a transfer (L01).';
comment on column mart.duty.imps_amt is 'Amount imposed in won (부과금액, imps_amt).';
comment on column mart.duty.imps_dt is 'Imposition date (부과일자, imps_dt).';
comment on column mart.duty.due_dt is 'Due date (납기일자, due_dt).';
comment on column mart.duty.paid_dt is 'Payment date (수납일자, paid_dt); null while unpaid.';
comment on column mart.duty.status is 'Status (상태, status): 부과 imposed, 수납 paid, 취소 cancelled.';
comment on column mart.duty.dept_cd is 'Code of the imposing department (부서코드, dept_cd).';
comment on column mart.duty.party_sk is 'The payer (matched by party_type and party_id): surrogate key into mart.party (core.duty_history.party_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.parcel_sk is 'The parcel (matched by pnu): surrogate key into mart.parcel (core.duty_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.department_sk is 'The imposing department (matched by dept_cd): surrogate key into mart.department (core.duty_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.permit_sk is 'The permit the imposition rests on, for R01, V01, V02 (matched by basis_no): surrogate key into mart.permit (core.duty_history.permit_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.inspection_sk is 'The inspection the imposition rests on, for F01 (matched by basis_no): surrogate key into mart.inspection (core.duty_history.inspection_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.property_use_sk is 'The public-property use the imposition rests on, for P01 (matched by basis_no): surrogate key into mart.public_property_use (core.duty_history.property_use_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.transfer_sk is 'The transfer the imposition rests on, for L01 (matched by basis_no): surrogate key into mart.transfer (core.duty_history.transfer_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.duty.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {party}; empty when every reference resolved (core.duty_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.duty.first_seen is 'When the duty first became known: the earliest version''s delivery day (files) or update time (databases) (core.duty.first_seen).';
comment on column mart.duty.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.duty_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- budget
create or replace view mart.budget as
select i.budget_sk,
       i.fscl_yr,
       i.biz_cd,
       h.dept_cd,
       h.biz_nm,
       h.bdgt_amt,
       h.supl_amt,
       h.department_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.budget i
join core.budget_history h on h.budget_sk = i.budget_sk and h.is_current;
comment on view mart.budget is 'One row per budget line (fiscal year and project) of the finance system (e-hojo tb_budget), current version.';
comment on column mart.budget.budget_sk is 'Surrogate key of the budget line (core.budget.budget_sk): stable, never reused; the primary key of this view.';
comment on column mart.budget.fscl_yr is 'Fiscal year (tb_budget.fscl_yr): part of the natural key.';
comment on column mart.budget.biz_cd is 'Project code (tb_budget.biz_cd): part of the natural key.';
comment on column mart.budget.dept_cd is 'Code of the department responsible (tb_budget.dept_cd).';
comment on column mart.budget.biz_nm is 'Project name (tb_budget.biz_nm).';
comment on column mart.budget.bdgt_amt is 'Budget in won (tb_budget.bdgt_amt).';
comment on column mart.budget.supl_amt is 'Supplementary budget in won (tb_budget.supl_amt).';
comment on column mart.budget.department_sk is 'The department responsible (matched by dept_cd): surrogate key into mart.department (core.budget_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.budget.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {department}; empty when every reference resolved (core.budget_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.budget.first_seen is 'When the budget line first became known: the earliest version''s delivery day (files) or update time (databases) (core.budget.first_seen).';
comment on column mart.budget.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.budget_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- contract
create or replace view mart.contract as
select i.contract_sk,
       i.cntr_no,
       h.fscl_yr,
       h.dept_cd,
       h.biz_cd,
       h.cntr_nm,
       h.cntr_mthd_cd,
       h.vndr_id,
       h.cntr_amt,
       h.cntr_dt,
       h.strt_dt,
       h.end_dt,
       h.aprv_emp_no,
       h.del_yn,
       h.department_sk,
       h.vendor_sk,
       h.approver_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.contract i
join core.contract_history h on h.contract_sk = i.contract_sk and h.is_current;
comment on view mart.contract is 'One row per contract of the finance system (e-hojo tb_contract), current version, cancelled ones included (del_yn = ''Y'').';
comment on column mart.contract.contract_sk is 'Surrogate key of the contract (core.contract.contract_sk): stable, never reused; the primary key of this view.';
comment on column mart.contract.cntr_no is 'Contract number (tb_contract.cntr_no): the natural key.';
comment on column mart.contract.fscl_yr is 'Fiscal year (tb_contract.fscl_yr).';
comment on column mart.contract.dept_cd is 'Code of the contracting department (tb_contract.dept_cd).';
comment on column mart.contract.biz_cd is 'Project code (tb_contract.biz_cd).';
comment on column mart.contract.cntr_nm is 'Contract name (tb_contract.cntr_nm).';
comment on column mart.contract.cntr_mthd_cd is 'Contracting method (tb_contract.cntr_mthd_cd): 10 open competitive, 20 limited competitive, 30 negotiated (private).';
comment on column mart.contract.vndr_id is 'Vendor id (tb_contract.vndr_id).';
comment on column mart.contract.cntr_amt is 'Contract amount in won (tb_contract.cntr_amt).';
comment on column mart.contract.cntr_dt is 'Contract date (tb_contract.cntr_dt).';
comment on column mart.contract.strt_dt is 'Start date (tb_contract.strt_dt).';
comment on column mart.contract.end_dt is 'End date (tb_contract.end_dt).';
comment on column mart.contract.aprv_emp_no is 'Employee number of the approving official, 9 digits (tb_contract.aprv_emp_no).';
comment on column mart.contract.del_yn is 'Y when the contract was cancelled (tb_contract.del_yn).';
comment on column mart.contract.department_sk is 'The contracting department (matched by dept_cd): surrogate key into mart.department (core.contract_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.contract.vendor_sk is 'The vendor (matched by vndr_id): surrogate key into mart.vendor (core.contract_history.vendor_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.contract.approver_sk is 'The approving official (matched by aprv_emp_no): surrogate key into mart.employee (core.contract_history.approver_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.contract.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {department}; empty when every reference resolved (core.contract_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.contract.first_seen is 'When the contract first became known: the earliest version''s delivery day (files) or update time (databases) (core.contract.first_seen).';
comment on column mart.contract.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.contract_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- payment
create or replace view mart.payment as
select i.payment_sk,
       i.pay_no,
       h.fscl_yr,
       h.dept_cd,
       h.biz_cd,
       h.cntr_no,
       h.vndr_id,
       h.invc_no,
       h.pay_amt,
       h.pay_dt,
       h.aprv_emp_no,
       h.del_yn,
       h.department_sk,
       h.contract_sk,
       h.vendor_sk,
       h.approver_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.payment i
join core.payment_history h on h.payment_sk = i.payment_sk and h.is_current;
comment on view mart.payment is 'One row per payment of the finance system (e-hojo tb_payment), current version, cancelled ones included (del_yn = ''Y''). No bank or account.';
comment on column mart.payment.payment_sk is 'Surrogate key of the payment (core.payment.payment_sk): stable, never reused; the primary key of this view.';
comment on column mart.payment.pay_no is 'Payment number (tb_payment.pay_no): the natural key.';
comment on column mart.payment.fscl_yr is 'Fiscal year (tb_payment.fscl_yr).';
comment on column mart.payment.dept_cd is 'Code of the paying department (tb_payment.dept_cd).';
comment on column mart.payment.biz_cd is 'Project code (tb_payment.biz_cd).';
comment on column mart.payment.cntr_no is 'Contract number (tb_payment.cntr_no); null for a payment outside a contract.';
comment on column mart.payment.vndr_id is 'Vendor id (tb_payment.vndr_id).';
comment on column mart.payment.invc_no is 'Invoice number (tb_payment.invc_no); may be null.';
comment on column mart.payment.pay_amt is 'Amount paid in won (tb_payment.pay_amt).';
comment on column mart.payment.pay_dt is 'Payment date (tb_payment.pay_dt).';
comment on column mart.payment.aprv_emp_no is 'Employee number of the approving official, 9 digits (tb_payment.aprv_emp_no).';
comment on column mart.payment.del_yn is 'Y when the payment was cancelled (tb_payment.del_yn).';
comment on column mart.payment.department_sk is 'The paying department (matched by dept_cd): surrogate key into mart.department (core.payment_history.department_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.payment.contract_sk is 'The contract paid against (matched by cntr_no): surrogate key into mart.contract (core.payment_history.contract_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.payment.vendor_sk is 'The vendor paid (matched by vndr_id): surrogate key into mart.vendor (core.payment_history.vendor_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.payment.approver_sk is 'The approving official (matched by aprv_emp_no): surrogate key into mart.employee (core.payment_history.approver_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.payment.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {department}; empty when every reference resolved (core.payment_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.payment.first_seen is 'When the payment first became known: the earliest version''s delivery day (files) or update time (databases) (core.payment.first_seen).';
comment on column mart.payment.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.payment_history.valid_from of the version with is_current).';

-- ---------------------------------------------------------------- transfer
create or replace view mart.transfer as
select i.transfer_sk,
       i.trnsf_id,
       h.pnu,
       h.obj_type,
       h.cntr_dt,
       h.rgst_dt,
       h.price,
       h.cause,
       h.parcel_sk,
       h.seller_sk,
       h.buyer_sk,
       h.orphan,
       i.first_seen,
       h.valid_from as version_from
from core.transfer i
join core.transfer_history h on h.transfer_sk = i.transfer_sk and h.is_current;
comment on view mart.transfer is 'One row per registered real-estate transfer (RE_TRANSFER), current version. Seller and buyer are seller_sk and buyer_sk.';
comment on column mart.transfer.transfer_sk is 'Surrogate key of the transfer (core.transfer.transfer_sk): stable, never reused; the primary key of this view.';
comment on column mart.transfer.trnsf_id is 'Transfer id (RE_TRANSFER.trnsf_id): the natural key.';
comment on column mart.transfer.pnu is 'Parcel number, 19 digits (RE_TRANSFER.pnu, normalised).';
comment on column mart.transfer.obj_type is 'What was transferred (RE_TRANSFER.obj_type): L land, B building, LB both.';
comment on column mart.transfer.cntr_dt is 'Contract date, or the date of the cause for an inheritance or gift (RE_TRANSFER.cntr_dt).';
comment on column mart.transfer.rgst_dt is 'Registration date (RE_TRANSFER.rgst_dt).';
comment on column mart.transfer.price is 'Price in won, or the assessed value for an inheritance or gift (RE_TRANSFER.price).';
comment on column mart.transfer.cause is 'Cause in Korean (RE_TRANSFER.cause): 매매 sale, 상속 inheritance, 증여 gift.';
comment on column mart.transfer.parcel_sk is 'The parcel (matched by pnu): surrogate key into mart.parcel (core.transfer_history.parcel_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.transfer.seller_sk is 'The seller or former owner (matched by from_type and from_id): surrogate key into mart.party (core.transfer_history.seller_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.transfer.buyer_sk is 'The buyer or new owner (matched by to_type and to_id): surrogate key into mart.party (core.transfer_history.buyer_sk); null when the source names none or it is not (yet) known, see orphan.';
comment on column mart.transfer.orphan is 'Names of the references of this version whose target is not (yet) known to the warehouse, e.g. {parcel}; empty when every reference resolved (core.transfer_history.orphan). Kept and flagged, never dropped: resolved when the target arrives.';
comment on column mart.transfer.first_seen is 'When the transfer first became known: the earliest version''s delivery day (files) or update time (databases) (core.transfer.first_seen).';
comment on column mart.transfer.version_from is 'When the current version became known: its delivery day (files) or update time (databases) (core.transfer_history.valid_from of the version with is_current).';
