-- Alert lifecycle statements, run by cheongbaek.scenarios.runner for one
-- scenario at a time over the temporary table _hits (the scenario's query
-- result: its population, fires = true for the subjects that match as of D).
-- Parameters: %(scenario_id)s, %(as_of)s, %(default_dept)s.

-- name: reopen_history
-- A resolved alert whose subject matches again is reopened (history first,
-- the upsert below flips the status). Auditor marks are never touched.
insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of, changed_by, note)
select a.alert_id, 'resolved', 'open', %(as_of)s, 'scenario-run', 'subject matches again'
from monitoring.alert a
join _hits h on h.subject = a.subject and h.fires
where a.scenario_id = %(scenario_id)s and a.status = 'resolved';

-- name: upsert
-- One alert per (scenario_id, subject): a subject found again only refreshes
-- its estimate, evidence and last_seen; an auditor's mark stays.
with up as (
    insert into monitoring.alert as a
        (scenario_id, subject, estimate_krw, status, matching, first_seen, last_seen, last_run,
         evidence, dept_cd, officer_emp_no)
    select %(scenario_id)s, h.subject, h.estimate_krw, 'open', true, %(as_of)s, %(as_of)s, %(as_of)s,
           coalesce(h.evidence, '{}'::jsonb), coalesce(h.dept_cd, %(default_dept)s), h.officer_emp_no
    from _hits h
    where h.fires
    on conflict (scenario_id, subject) do update
        set estimate_krw   = excluded.estimate_krw,
            evidence       = excluded.evidence,
            dept_cd        = excluded.dept_cd,
            officer_emp_no = excluded.officer_emp_no,
            matching       = true,
            first_seen     = least(a.first_seen, excluded.first_seen),
            last_seen      = greatest(a.last_seen, excluded.last_seen),
            last_run       = excluded.last_run,
            resolved_on    = null,
            resolved_by    = null,
            collected_krw  = 0,
            status         = case when a.status = 'resolved' then 'open' else a.status end
    returning a.alert_id, (xmax = 0) as inserted
), hist as (
    insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of, changed_by, note)
    select alert_id, null, 'open', %(as_of)s, 'scenario-run', 'raised'
    from up where inserted
)
select count(*) as found, count(*) filter (where inserted) as new from up;

-- name: resolve
-- A matching alert whose subject no longer fires is resolved; the collected
-- amount is what was paid on the documents that now settle the rule (the
-- population row with fires = false), else 0. Marked alerts keep their mark.
with gone as (
    select a.alert_id, a.status, h.collected_krw, h.resolved_by
    from monitoring.alert a
    left join _hits h on h.subject = a.subject
    where a.scenario_id = %(scenario_id)s and a.matching and (h.subject is null or not h.fires)
), upd as (
    update monitoring.alert a
       set matching      = false,
           resolved_on   = %(as_of)s,
           last_run      = %(as_of)s,
           collected_krw = coalesce(g.collected_krw, 0),
           resolved_by   = g.resolved_by,
           status        = case when a.status = 'open' then 'resolved' else a.status end
      from gone g
     where a.alert_id = g.alert_id
    returning a.alert_id, g.status as old_status
), hist as (
    insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of, changed_by, note)
    select alert_id, 'open', 'resolved', %(as_of)s, 'scenario-run', 'subject no longer matches'
    from upd where old_status = 'open'
)
select count(*) as resolved from upd;

-- name: collected
-- A document paid after the alert was resolved raises its collected amount.
update monitoring.alert a
   set collected_krw = h.collected_krw, resolved_by = h.resolved_by, last_run = %(as_of)s
  from _hits h
 where a.scenario_id = %(scenario_id)s and a.subject = h.subject and not h.fires and not a.matching
   and (a.collected_krw, a.resolved_by) is distinct from (h.collected_krw, h.resolved_by);

-- name: recipients
-- The department manager is the highest-graded (grade 1 is highest) active
-- employee of the alert's department as HR stood on D; the auditor is the
-- assigned one (monitoring.auditor_assignment), else the head of the audit
-- department (the department whose name holds %(audit_keyword)s).
with heads as (
    select distinct on (e.dept_cd) e.dept_cd, e.emp_no
    from scenario_input.emp_version e
    where e.valid_from <= %(as_of)s and %(as_of)s < e.valid_to and e.status = '재직' and e.dept_cd is not null
    order by e.dept_cd, e.grade nulls last, e.emp_no
), audit_head as (
    select h.emp_no
    from scenario_input.dept d
    join heads h on h.dept_cd = d.dept_cd
    where strpos(d.dept_nm, %(audit_keyword)s) > 0
    order by d.dept_cd
    limit 1
), resolved as (
    select a.alert_id, h.emp_no as manager,
           coalesce(aa.auditor_emp_no, (select emp_no from audit_head)) as auditor
    from monitoring.alert a
    left join heads h on h.dept_cd = a.dept_cd
    left join monitoring.auditor_assignment aa on aa.dept_cd = a.dept_cd
    where a.last_seen = %(as_of)s
)
update monitoring.alert a
   set manager_emp_no = r.manager,
       auditor_emp_no = r.auditor,
       recipients = (
           select coalesce(jsonb_agg(jsonb_build_object('role', v.role, 'emp_no', v.emp_no) order by v.ord),
                           '[]'::jsonb)
           from (values (1, 'officer', a.officer_emp_no), (2, 'manager', r.manager), (3, 'auditor', r.auditor))
                as v (ord, role, emp_no)
           where v.emp_no is not null
       )
  from resolved r
 where a.alert_id = r.alert_id;
