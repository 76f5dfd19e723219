-- Family "documents that settle a case": live tax assessments and live duties
-- known by D, read from the reconciled warehouse (core). The version of a key
-- known by D is the one valid on D: valid_from (its delivery day) <= D and no
-- later version known by D (valid_to null or after D); core keeps only loaded
-- batches and, within a day, the last line (as the newest delivery did).
-- The date is written (select scenario_input.as_of() + 1): a sub-select is
-- evaluated once per statement, the bare function call once per row.
-- paid_krw is what has been collected on the document by D: the collected
-- amount of an alert the document resolves.

drop table if exists scenario_input.tax_live;
create unlogged table scenario_input.tax_live as
select i.asmt_no, h.tax_item_cd, h.party_type, h.party_id, h.pnu, h.cause_dt, h.tax_amt, h.status_cd, h.dept_cd,
       case when h.status_cd = '02' or h.paid_dt <= (select scenario_input.as_of()) then h.tax_amt else 0 end::bigint as paid_krw
from core.tax_assessment_history h
join core.tax_assessment i on i.tax_assessment_sk = h.tax_assessment_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1))
  and h.status_cd <> '09';
create index on scenario_input.tax_live (pnu, party_id, cause_dt) where tax_item_cd in ('101', '102');
create index on scenario_input.tax_live (party_id, cause_dt) where tax_item_cd = '301';
comment on table scenario_input.tax_live is
    'Live tax assessments (version of asmt_no valid on the as-of date, status_cd <> 09), from core.tax_assessment.';

drop table if exists scenario_input.duty_live;
create unlogged table scenario_input.duty_live as
select i.imps_no, h.duty_cd, h.party_type, h.party_id, h.pnu, h.basis_no, h.imps_amt, h.imps_dt, h.status, h.dept_cd,
       case when h.status = '수납' or h.paid_dt <= (select scenario_input.as_of()) then h.imps_amt else 0 end::bigint as paid_krw
from core.duty_history h
join core.duty i on i.duty_sk = h.duty_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1))
  and h.status <> '취소';
create index on scenario_input.duty_live (basis_no, duty_cd, imps_dt);
comment on table scenario_input.duty_live is
    'Live duties (version of imps_no valid on the as-of date, status <> 취소), from core.duty.';
