-- Family "civil affairs": permits, inspections, petitions with their EXTN
-- count, procedure codes, read from core: the version valid on D (valid_from
-- = upd_dtm <= D, valid_to null or after D).

drop table if exists scenario_input.permit;
create unlogged table scenario_input.permit as
select i.prmt_no, h.prmt_type_cd, h.biz_type_cd, h.holder_type, h.holder_id, h.pnu, h.area_m2,
       h.strt_dt, h.end_dt, h.ptn_no
from core.permit_history h
join core.permit i on i.permit_sk = h.permit_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
create index on scenario_input.permit (pnu) where prmt_type_cd = 'FOOD';
comment on table scenario_input.permit is 'Civil permits, version valid on the as-of date, from core.permit.';

drop table if exists scenario_input.inspection;
create unlogged table scenario_input.inspection as
select i.insp_no, h.prmt_no, h.insp_dt, h.viol_yn, h.sanction_cd, h.sanction_amt
from core.inspection_history h
join core.inspection i on i.inspection_sk = h.inspection_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.inspection is 'Inspections, version valid on the as-of date, from core.inspection.';

-- proc_code has no upd_dtm: it is read whole each run, and core dates a
-- version by the run that read it. The version valid on D wins; for a date
-- before the first read, the first version.
drop table if exists scenario_input.proc_code;
create unlogged table scenario_input.proc_code as
select distinct on (i.proc_cd)
       i.proc_cd, h.sector_cd, h.legal_days, h.open_yn
from core.procedure_history h
join core.procedure i on i.procedure_sk = h.procedure_sk
order by i.proc_cd,
         (h.valid_from < (select scenario_input.as_of() + 1)) desc,
         case when h.valid_from < (select scenario_input.as_of() + 1) then h.valid_from end desc,
         h.valid_from;
comment on table scenario_input.proc_code is
    'Procedure codes (legal_days, open_yn) as read on or before the as-of date (else first read), from core.procedure.';

drop table if exists scenario_input.petition;
create unlogged table scenario_input.petition as
with ptn as (
    select h.petition_sk, i.ptn_no, h.proc_cd, h.rcpt_dtm, h.apln_type, h.apln_id, h.dept_cd, h.chrg_emp_no,
           h.stat_cd, h.rslt_cd, h.cmpl_dtm
    from core.petition_history h
    join core.petition i on i.petition_sk = h.petition_sk
    where h.valid_from < (select scenario_input.as_of() + 1)
      and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1))
), extn as (
    select s.petition_sk, count(*)::int as extn_count
    from core.petition_step_history s
    where s.step_cd = 'EXTN'
      and s.valid_from < (select scenario_input.as_of() + 1)
      and (s.valid_to is null or s.valid_to >= (select scenario_input.as_of() + 1))
    group by s.petition_sk
)
select ptn.ptn_no, ptn.proc_cd, ptn.rcpt_dtm, ptn.apln_type, ptn.apln_id, ptn.dept_cd, ptn.chrg_emp_no,
       ptn.stat_cd, ptn.rslt_cd, ptn.cmpl_dtm, coalesce(extn.extn_count, 0) as extn_count
from ptn left join extn on extn.petition_sk = ptn.petition_sk;
create index on scenario_input.petition (apln_id);
comment on table scenario_input.petition is
    'Petitions, version valid on the as-of date (core.petition), with their number of EXTN steps valid then '
    '(core.petition_step).';
