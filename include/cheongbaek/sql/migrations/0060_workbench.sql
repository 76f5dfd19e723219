-- The alert workbench (issue 14): who works an alert, its lifecycle, an
-- append-only trail, due dates with escalation and the statistics.
-- Idempotent (re-run whenever its text changes).
--
-- Lifecycle of monitoring.alert.status (the scenario run only ever moves
-- open <-> resolved; every other status is a person's mark, kept by reruns):
--
--   open       raised by a run (or reopened / returned)
--   submitted  the official recorded the action taken (outcome 'action',
--              e.g. the assessment number issued) or a justification
--              (outcome 'justification': why it is no irregularity)
--   confirmed  the department manager confirmed the submission
--              (or returned it: back to open)
--   closed     the audit office accepted it
--   excluded   the audit office excluded it as a false positive (reason code)
--   resolved   automatic: the missing document arrived (amount collected)
--   checked, actioned  marks of the older monitoring.mark_alert(), kept.
--
-- Who acts is never an argument: the lifecycle functions read it from the
-- session (monitoring.wb_session_login(): the database login itself, or the
-- workbench's person when the session belongs to the trusted workbench
-- service role cb_workbench), so a caller cannot act under another name.

-- ------------------------------------------------------------------ the workbench service role
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'cb_workbench') then
        begin
            execute 'create role cb_workbench nologin';
        exception
            when duplicate_object or unique_violation then null;
            when insufficient_privilege then
                raise exception 'role cb_workbench is missing and % may not create roles', current_user
                    using hint = 'ask a DBA to run: create role cb_workbench nologin;';
        end;
    end if;
end
$$;

-- ------------------------------------------------------------------ settings, people, reason codes
create table if not exists monitoring.workbench_setting (
    key    text primary key,
    value  text not null,
    note   text
);
insert into monitoring.workbench_setting (key, value, note) values
    ('due_business_days', '10', 'business days from first_seen to the due date of an alert'),
    ('escalate_audit_business_days', '5', 'business days past the due date before the audit office is told')
on conflict (key) do nothing;

create table if not exists monitoring.workbench_user (
    login       text primary key,          -- the Airflow user name (or the database login)
    emp_no      text not null,             -- 9-digit employee number (HR)
    role        text not null check (role in ('official', 'manager', 'auditor')),
    dept_cd     text,                      -- the department whose alerts a manager sees
    active      boolean not null default true,
    updated_at  timestamptz not null default clock_timestamp()
);
create index if not exists workbench_user_emp on monitoring.workbench_user (emp_no);
comment on table monitoring.workbench_user is
    'Workbench people: login -> employee number, role and department. Managed with `cheongbaek workbench user`.';

create table if not exists monitoring.exclusion_reason (
    code   text primary key,
    label  text not null
);
insert into monitoring.exclusion_reason (code, label) values
    ('source_error', 'the source data is wrong (corrected at the source)'),
    ('legal_exception', 'a legal exemption or exception applies'),
    ('duplicate', 'the same case is already followed under another alert'),
    ('timing', 'the document exists; it was delivered late'),
    ('rule_gap', 'the rule does not fit this case (rule to be refined)')
on conflict (code) do update set label = excluded.label;

-- ------------------------------------------------------------------ alert columns
alter table monitoring.alert add column if not exists outcome text;
alter table monitoring.alert add column if not exists outcome_text text;
alter table monitoring.alert add column if not exists reason_code text;
alter table monitoring.alert add column if not exists assigned_emp_no text;
alter table monitoring.alert add column if not exists due_on date;
alter table monitoring.alert drop constraint if exists alert_status_check;
alter table monitoring.alert add constraint alert_status_check check (
    status in ('open', 'checked', 'actioned', 'excluded', 'resolved', 'submitted', 'confirmed', 'closed'));
alter table monitoring.alert drop constraint if exists alert_outcome_check;
alter table monitoring.alert add constraint alert_outcome_check check (outcome in ('action', 'justification'));
comment on column monitoring.alert.assigned_emp_no is
    'Workbench (re)assignment; overrides officer_emp_no (which each run refreshes from the sources).';

-- Keyset paging of the three inboxes (newest first) and the filters.
create index if not exists alert_wb_dept on monitoring.alert (dept_cd, alert_id);
create index if not exists alert_wb_assignee on monitoring.alert ((coalesce(assigned_emp_no, officer_emp_no)), alert_id);
create index if not exists alert_wb_status on monitoring.alert (status, alert_id);

-- ------------------------------------------------------------------ the trail
alter table monitoring.alert_status_history add column if not exists action text;
alter table monitoring.alert_status_history add column if not exists actor_role text;
alter table monitoring.alert_status_history add column if not exists reason_code text;
comment on table monitoring.alert_status_history is
    'The alert trail: who, when, from, to, text. Append-only for every role (trigger and grants).';

create or replace function monitoring.trail_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'the alert trail is append-only: % on monitoring.alert_status_history is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;
drop trigger if exists alert_trail_append_only on monitoring.alert_status_history;
create trigger alert_trail_append_only before update or delete on monitoring.alert_status_history
    for each row execute function monitoring.trail_append_only();
drop trigger if exists alert_trail_no_truncate on monitoring.alert_status_history;
create trigger alert_trail_no_truncate before truncate on monitoring.alert_status_history
    for each statement execute function monitoring.trail_append_only();
revoke update, delete, truncate on monitoring.alert_status_history from public;
do $$
declare
    r text;
begin
    foreach r in array array['cb_loader', 'cb_reader', 'cb_auditor', 'cb_public', 'cb_director', 'cb_executive',
                             'cb_workbench'] loop
        if exists (select 1 from pg_roles where rolname = r) then
            execute format('revoke update, delete, truncate on monitoring.alert_status_history from %I', r);
        end if;
    end loop;
end
$$;

-- ------------------------------------------------------------------ dates
-- "Today" of the data: the last as-of date a scenario run evaluated (a replay
-- of 2025 is not overdue because the clock says 2026), else the clock.
create or replace function monitoring.wb_today() returns date
language sql stable as $$
    select coalesce((select max(as_of) from monitoring.scenario_run), current_date)
$$;

-- The day n business days after p_from (the business calendar of
-- scenario_input, else five weekdays a week).
create or replace function monitoring.wb_add_business_days(p_from date, n integer) returns date
language sql stable as $$
    select coalesce(
        (select c2.d
           from scenario_input.calendar c1
           join scenario_input.calendar c2 on c2.is_business and c2.bd_seq = c1.bd_seq + n
          where c1.d = p_from),
        (select max(g)::date from (
            select g from generate_series(p_from + 1, p_from + n * 2 + 7, interval '1 day') g
             where extract(isodow from g) < 6
             order by g limit greatest(n, 1)) w))
$$;

create or replace function monitoring.wb_setting_int(p_key text, p_default integer) returns integer
language sql stable as $$
    select coalesce((select value::integer from monitoring.workbench_setting where key = p_key), p_default)
$$;

create or replace function monitoring.alert_due_on() returns trigger
language plpgsql as $$
begin
    if new.due_on is null then
        new.due_on := monitoring.wb_add_business_days(new.first_seen,
                                                      monitoring.wb_setting_int('due_business_days', 10));
    end if;
    return new;
end
$$;
drop trigger if exists alert_due_on on monitoring.alert;
create trigger alert_due_on before insert on monitoring.alert
    for each row execute function monitoring.alert_due_on();
update monitoring.alert
   set due_on = monitoring.wb_add_business_days(first_seen, monitoring.wb_setting_int('due_business_days', 10))
 where due_on is null;

-- ------------------------------------------------------------------ who acts
-- The login acting in this session: the workbench's person (the setting
-- cheongbaek.wb_login, set by the workbench after it checked the Airflow
-- token) only when the session's own login is the trusted workbench service
-- (a member of cb_workbench, or a superuser); any other login acts as itself,
-- whatever it sets.
create or replace function monitoring.wb_session_login() returns text
language plpgsql stable security definer set search_path = pg_catalog as $$
declare
    v_claimed text := nullif(current_setting('cheongbaek.wb_login', true), '');
    v_trusted boolean;
begin
    select r.rolsuper or pg_has_role(session_user, 'cb_workbench', 'MEMBER')
      into v_trusted from pg_roles r where r.rolname = session_user;
    if v_claimed is not null and coalesce(v_trusted, false) then
        return v_claimed;
    end if;
    return session_user::text;
end
$$;

-- The acting person: login, employee number, role and department. A
-- database login that is a member of cb_auditor and has no mapping acts as
-- an auditor under its own name.
create or replace function monitoring.wb_actor(out login text, out emp_no text, out role text, out dept_cd text)
language plpgsql stable security definer set search_path = pg_catalog, monitoring as $$
begin
    login := monitoring.wb_session_login();
    select u.emp_no, u.role, u.dept_cd into emp_no, role, dept_cd
      from monitoring.workbench_user u where u.login = wb_actor.login and u.active;
    if role is null and pg_has_role(session_user, 'cb_auditor', 'MEMBER') then
        role := 'auditor';
    end if;
end
$$;

-- May the acting person see this alert? (The same rule the workbench's
-- lists apply: an official their assigned alerts, a manager the
-- department's, the audit office all.)
create or replace function monitoring.wb_in_scope(p_role text, p_emp_no text, p_dept_cd text,
                                                  a monitoring.alert) returns boolean
language sql immutable as $$
    select case p_role
               when 'auditor' then true
               when 'manager' then a.dept_cd is not distinct from p_dept_cd and p_dept_cd is not null
               when 'official' then coalesce(a.assigned_emp_no, a.officer_emp_no) = p_emp_no
               else false
           end
$$;

-- ------------------------------------------------------------------ the lifecycle
-- One step of the lifecycle by the session's person. Actions:
--   action, justify   official (or the department's manager): open -> submitted, text required
--   confirm           manager: submitted -> confirmed
--   return            manager: submitted -> open, text required
--   accept            audit office: confirmed (or submitted) -> closed
--   exclude           audit office: any worked or open state -> excluded, reason code required
--   reopen            audit office: submitted/confirmed/closed/excluded/checked/actioned -> open
--   assign            manager (own department) or audit office: p_target = employee number
-- Returns the new status; raises (SQLSTATE 42501) when the person may not.
create or replace function monitoring.wb_act(p_alert_id bigint, p_action text, p_text text default null,
                                             p_reason text default null, p_target text default null)
returns text
language plpgsql security definer set search_path = pg_catalog, monitoring as $$
declare
    me record;
    a monitoring.alert;
    v_new text;
    v_today date := monitoring.wb_today();
    v_text text := nullif(btrim(coalesce(p_text, '')), '');
begin
    select * into me from monitoring.wb_actor();
    if me.role is null then
        raise exception '% is not a workbench user', me.login using errcode = 'insufficient_privilege';
    end if;
    select * into a from monitoring.alert where alert_id = p_alert_id for update;
    if not found or not monitoring.wb_in_scope(me.role, me.emp_no, me.dept_cd, a) then
        -- the same answer for "no such alert" and "not yours": nothing leaks
        raise exception 'alert % is not in your scope', p_alert_id using errcode = 'insufficient_privilege';
    end if;
    if p_action in ('action', 'justify') then
        if me.role not in ('official', 'manager') then
            raise exception 'only the official or the manager records an action or a justification'
                using errcode = 'insufficient_privilege';
        end if;
        if a.status <> 'open' then
            raise exception 'alert % is %, not open', p_alert_id, a.status using errcode = 'check_violation';
        end if;
        if v_text is null then
            raise exception 'say what was done, or why it is no irregularity' using errcode = 'check_violation';
        end if;
        v_new := 'submitted';
        update monitoring.alert
           set status = v_new, outcome = case p_action when 'action' then 'action' else 'justification' end,
               outcome_text = v_text
         where alert_id = p_alert_id;
    elsif p_action in ('confirm', 'return') then
        if me.role <> 'manager' then
            raise exception 'only the department manager confirms or returns' using errcode = 'insufficient_privilege';
        end if;
        if a.status <> 'submitted' then
            raise exception 'alert % is %, not submitted', p_alert_id, a.status using errcode = 'check_violation';
        end if;
        if p_action = 'return' and v_text is null then
            raise exception 'say why it is returned' using errcode = 'check_violation';
        end if;
        v_new := case p_action when 'confirm' then 'confirmed' else 'open' end;
        -- a returned submission is no outcome any more (the trail keeps what was said)
        update monitoring.alert
           set status = v_new,
               outcome = case when p_action = 'return' then null else outcome end,
               outcome_text = case when p_action = 'return' then null else outcome_text end
         where alert_id = p_alert_id;
    elsif p_action in ('accept', 'exclude', 'reopen') then
        if me.role <> 'auditor' then
            raise exception 'only the audit office accepts, excludes or reopens' using errcode = 'insufficient_privilege';
        end if;
        if p_action = 'accept' then
            if a.status not in ('confirmed', 'submitted') then
                raise exception 'alert % is %, not confirmed', p_alert_id, a.status using errcode = 'check_violation';
            end if;
            v_new := 'closed';
            update monitoring.alert set status = v_new where alert_id = p_alert_id;
        elsif p_action = 'exclude' then
            if a.status not in ('open', 'submitted', 'confirmed', 'checked', 'actioned') then
                raise exception 'alert % is %: it cannot be excluded', p_alert_id, a.status
                    using errcode = 'check_violation';
            end if;
            if not exists (select 1 from monitoring.exclusion_reason r where r.code = p_reason) then
                raise exception 'an exclusion needs a reason code (monitoring.exclusion_reason)'
                    using errcode = 'check_violation';
            end if;
            v_new := 'excluded';
            update monitoring.alert set status = v_new, reason_code = p_reason where alert_id = p_alert_id;
        else
            if a.status not in ('submitted', 'confirmed', 'closed', 'excluded', 'checked', 'actioned') then
                raise exception 'alert % is %: nothing to reopen', p_alert_id, a.status
                    using errcode = 'check_violation';
            end if;
            v_new := 'open';
            update monitoring.alert
               set status = v_new, outcome = null, outcome_text = null, reason_code = null,
                   due_on = monitoring.wb_add_business_days(v_today, monitoring.wb_setting_int('due_business_days', 10))
             where alert_id = p_alert_id;
        end if;
    elsif p_action = 'assign' then
        if me.role not in ('manager', 'auditor') then
            raise exception 'only a manager or the audit office assigns' using errcode = 'insufficient_privilege';
        end if;
        if coalesce(p_target, '') !~ '^[0-9]{9}$' then
            raise exception 'assign to a 9-digit employee number' using errcode = 'check_violation';
        end if;
        v_new := a.status;
        update monitoring.alert set assigned_emp_no = p_target where alert_id = p_alert_id;
        v_text := coalesce(v_text || ' ', '') || '(assigned to ' || p_target || ')';
    else
        raise exception 'unknown action %', p_action using errcode = 'check_violation';
    end if;
    insert into monitoring.alert_status_history
        (alert_id, from_status, to_status, as_of, changed_by, note, action, actor_role, reason_code)
    values (p_alert_id, a.status, v_new, v_today, me.login, v_text, p_action, me.role,
            case when p_action = 'exclude' then p_reason end);
    return v_new;
end
$$;

-- The older auditor mark (0031), kept for scripts: the person is the
-- session's (p_by, if given, must be that person: it is not trusted), the
-- date is the data's today (p_as_of is ignored), and only the audit office
-- may mark.
create or replace function monitoring.mark_alert(
    p_alert_id bigint, p_status text, p_by text, p_as_of date, p_note text default null
) returns text
language plpgsql security definer set search_path = pg_catalog, monitoring as $$
declare
    me record;
    v_old text;
begin
    if p_status not in ('open', 'checked', 'actioned', 'excluded') then
        raise exception 'an auditor marks open, checked, actioned or excluded, not %', p_status;
    end if;
    select * into me from monitoring.wb_actor();
    if me.role is distinct from 'auditor' and not pg_has_role(session_user, 'cb_auditor', 'MEMBER') then
        raise exception '% may not mark alerts', me.login using errcode = 'insufficient_privilege';
    end if;
    if coalesce(p_by, me.login) <> me.login then
        raise exception 'mark_alert records the session''s user (%), not %', me.login, p_by
            using errcode = 'insufficient_privilege';
    end if;
    select status into v_old from monitoring.alert where alert_id = p_alert_id for update;
    if not found then
        raise exception 'no alert %', p_alert_id;
    end if;
    if v_old is distinct from p_status then
        update monitoring.alert set status = p_status where alert_id = p_alert_id;
    end if;
    insert into monitoring.alert_status_history
        (alert_id, from_status, to_status, as_of, changed_by, note, action, actor_role)
    select p_alert_id, v_old, p_status, coalesce((select last_run from monitoring.alert where alert_id = p_alert_id),
                                                 monitoring.wb_today()),
           me.login, p_note, 'mark', 'auditor';
    return p_status;
end
$$;

-- An official who left or moved: their open alerts go to the department's
-- manager (run by the pipeline after each scenario run, as of D).
create or replace function monitoring.wb_reassign_departed(p_as_of date) returns integer
language plpgsql as $$
declare
    n integer;
begin
    if to_regclass('scenario_input.emp_version') is null then
        return 0;
    end if;
    with gone as (
        select a.alert_id, a.status, coalesce(a.assigned_emp_no, a.officer_emp_no) as was, a.manager_emp_no
          from monitoring.alert a
         where a.status in ('open', 'submitted') and a.manager_emp_no is not null
           and coalesce(a.assigned_emp_no, a.officer_emp_no) is not null
           and coalesce(a.assigned_emp_no, a.officer_emp_no) <> a.manager_emp_no
           and not exists (select 1 from scenario_input.emp_version e
                            where e.emp_no = coalesce(a.assigned_emp_no, a.officer_emp_no)
                              and e.valid_from <= p_as_of and p_as_of < e.valid_to
                              and e.status = '재직' and e.dept_cd = a.dept_cd)
    ), upd as (
        update monitoring.alert a set assigned_emp_no = g.manager_emp_no
          from gone g where a.alert_id = g.alert_id
        returning a.alert_id, g.status, g.was, g.manager_emp_no
    )
    insert into monitoring.alert_status_history
        (alert_id, from_status, to_status, as_of, changed_by, note, action, actor_role)
    select alert_id, status, status, p_as_of, 'workbench',
           'official ' || was || ' left or moved: reassigned to the manager ' || manager_emp_no, 'assign', 'system'
      from upd;
    get diagnostics n = row_count;
    return n;
end
$$;

-- ------------------------------------------------------------------ statistics
-- One row per alert with the dimensions and flags the statistics count.
-- Hit rate: alerts closed as real (accepted with an action taken, the old
-- 'actioned' mark, or resolved automatically when the missing document
-- arrived) over alerts closed (those plus excluded and accepted
-- justifications).
create or replace view monitoring.alert_facts as
select a.alert_id, a.scenario_id, s.area, a.dept_cd,
       date_trunc('month', a.first_seen)::date as month,  -- the first of the month (fast; shown as YYYY-MM)
       a.status, a.outcome, a.estimate_krw, a.collected_krw,
       (a.outcome = 'action' or a.status = 'actioned')                                 as is_actioned,
       (a.outcome = 'justification')                                                   as is_justified,
       (a.status = 'excluded')                                                         as is_excluded,
       (a.status in ('open', 'checked'))                                               as is_open,
       (a.status in ('open', 'checked', 'submitted') and a.due_on < t.today)           as is_overdue,
       (a.status = 'resolved' or a.status = 'actioned' or (a.status = 'closed' and a.outcome = 'action')) as is_real,
       (a.status in ('closed', 'excluded', 'resolved', 'actioned'))                    as is_closed,
       coalesce(a.assigned_emp_no, a.officer_emp_no)                                   as assignee
from monitoring.alert a
join monitoring.scenario s using (scenario_id)
cross join (select monitoring.wb_today() as today offset 0) t;  -- offset 0: evaluated once, not per row

-- The statistics per scenario (the auditor report's section reads this).
create or replace view monitoring.workbench_scenario_stats as
select s.scenario_id, s.area, s.title,
       count(f.alert_id)                                   as found,
       count(*) filter (where f.is_actioned)               as actioned,
       count(*) filter (where f.is_justified)              as justified,
       count(*) filter (where f.is_excluded)               as excluded,
       count(*) filter (where f.is_open)                   as open,
       count(*) filter (where f.is_overdue)                as overdue,
       round(count(*) filter (where f.is_actioned)::numeric / nullif(count(f.alert_id), 0), 4) as action_rate,
       coalesce(sum(f.estimate_krw), 0)::bigint            as estimated_krw,
       coalesce(sum(f.collected_krw), 0)::bigint           as collected_krw,
       count(*) filter (where f.is_closed)                 as closed,
       round(count(*) filter (where f.is_real)::numeric
             / nullif(count(*) filter (where f.is_closed), 0), 4) as hit_rate
from monitoring.scenario s
left join monitoring.alert_facts f on f.scenario_id = s.scenario_id
group by s.scenario_id, s.area, s.title;
comment on view monitoring.workbench_scenario_stats is
    'Per scenario: found, actioned, justified, excluded, open, overdue, action rate, amounts and hit rate (real / closed).';

-- ------------------------------------------------------------------ digests
create table if not exists monitoring.digest (
    as_of        date not null,
    recipient    text not null,
    message_id   text not null,
    channel      text not null,
    location     text,
    new_alerts   integer not null,
    overdue      integer not null,
    recorded_at  timestamptz not null default clock_timestamp(),
    primary key (as_of, recipient)
);
create table if not exists monitoring.escalation (
    alert_id   bigint not null references monitoring.alert (alert_id),
    recipient  text   not null,
    level      smallint not null,      -- 1: overdue (official, manager), 2: still overdue (audit office)
    as_of      date   not null,
    recorded_at timestamptz not null default clock_timestamp(),
    primary key (alert_id, recipient, level)
);

-- ------------------------------------------------------------------ grants
revoke all on function monitoring.wb_act(bigint, text, text, text, text) from public;
revoke all on function monitoring.mark_alert(bigint, text, text, date, text) from public;
revoke all on function monitoring.wb_reassign_departed(date) from public;
grant execute on function monitoring.wb_act(bigint, text, text, text, text) to cb_auditor, cb_workbench;
grant execute on function monitoring.mark_alert(bigint, text, text, date, text) to cb_auditor;
grant execute on function monitoring.wb_reassign_departed(date) to cb_loader;  -- the pipeline, before the digests
grant usage on schema monitoring, core to cb_workbench;
grant select on all tables in schema monitoring to cb_workbench;
grant insert, update, delete on monitoring.workbench_user to cb_workbench;
grant insert on monitoring.digest, monitoring.escalation to cb_workbench;
