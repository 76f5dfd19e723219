-- Monitoring: scenarios, alerts with a lifecycle, status history,
-- notifications and statistics. Idempotent.

create table if not exists monitoring.scenario (
    scenario_id  text primary key,
    area         text not null,
    title        text not null,
    definition   jsonb not null default '{}'::jsonb
);
comment on table monitoring.scenario is 'The scenario book as loaded from cheongbaek/scenarios/definitions/*.yaml.';

create table if not exists monitoring.alert (
    alert_id        bigserial primary key,
    scenario_id     text    not null references monitoring.scenario (scenario_id),
    subject         text    not null,           -- source keys joined by '|', see scenarios.md
    estimate_krw    bigint  not null default 0,
    collected_krw   bigint  not null default 0, -- paid on the assessments/duties that resolved it
    status          text    not null default 'open'
                    check (status in ('open', 'checked', 'actioned', 'excluded', 'resolved')),
    matching        boolean not null default true,  -- does the subject match as of last_run?
    first_seen      date    not null,
    last_seen       date    not null,           -- last as-of date the subject matched
    last_run        date    not null,           -- last as-of date the scenario was evaluated
    resolved_on     date,                       -- as-of date it stopped matching
    evidence        jsonb   not null default '{}'::jsonb,  -- keys, dates, amounts: never names or person ids
    resolved_by     jsonb,                      -- the documents whose arrival resolved it
    dept_cd         text,
    officer_emp_no  text,
    manager_emp_no  text,
    auditor_emp_no  text,
    recipients      jsonb   not null default '[]'::jsonb,
    constraint alert_subject_unique unique (scenario_id, subject)
);
create index if not exists alert_status_idx on monitoring.alert (scenario_id, status);

create table if not exists monitoring.alert_status_history (
    history_id   bigserial primary key,
    alert_id     bigint not null references monitoring.alert (alert_id) on delete cascade,
    from_status  text,
    to_status    text   not null,
    as_of        date   not null,
    changed_by   text   not null,      -- 'scenario-run' or the auditor
    note         text,
    recorded_at  timestamptz not null default clock_timestamp()
);
create index if not exists alert_status_history_alert on monitoring.alert_status_history (alert_id, history_id);

create table if not exists monitoring.scenario_run (
    as_of        date    not null,
    scenario_id  text    not null,
    found        integer not null,
    new          integer not null,
    resolved     integer not null,
    seconds      numeric(10, 3) not null,
    recorded_at  timestamptz not null default clock_timestamp(),
    primary key (as_of, scenario_id)
);

-- Optional override of "its auditor": the audit-office employee who follows a
-- department. Without a row, the head of the audit department is used.
create table if not exists monitoring.auditor_assignment (
    dept_cd         text primary key,
    auditor_emp_no  text not null
);

create table if not exists monitoring.notification (
    alert_id       bigint not null references monitoring.alert (alert_id) on delete cascade,
    recipient      text   not null,    -- emp_no (9 digits)
    role           text   not null,    -- officer, manager, auditor
    as_of          date   not null,
    message_id     text   not null,
    channel        text   not null check (channel in ('smtp', 'file')),
    location       text,               -- the .eml file, or the SMTP host
    recorded_at    timestamptz not null default clock_timestamp(),
    primary key (alert_id, recipient)
);

-- An auditor marks an alert checked, actioned or excluded (or reopens it);
-- the mark survives later runs and every change is kept in the history.
create or replace function monitoring.mark_alert(
    p_alert_id bigint, p_status text, p_by text, p_as_of date, p_note text default null
) returns text
language plpgsql as $$
declare
    v_old text;
begin
    if p_status not in ('open', 'checked', 'actioned', 'excluded') then
        raise exception 'an auditor marks open, checked, actioned or excluded, not %', p_status;
    end if;
    if coalesce(p_by, '') = '' then
        raise exception 'who marks the alert must be given';
    end if;
    select status into v_old from monitoring.alert where alert_id = p_alert_id for update;
    if not found then
        raise exception 'no alert %', p_alert_id;
    end if;
    if v_old is distinct from p_status then
        update monitoring.alert set status = p_status where alert_id = p_alert_id;
    end if;
    insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of, changed_by, note)
    values (p_alert_id, v_old, p_status, p_as_of, p_by, p_note);
    return p_status;
end $$;

create or replace view monitoring.scenario_stats as
select s.scenario_id,
       s.area,
       s.title,
       count(a.alert_id)                                             as cases_found,
       count(*) filter (where a.status = 'open')                     as cases_open,
       count(*) filter (where a.status = 'checked')                  as cases_checked,
       count(*) filter (where a.status = 'actioned')                 as cases_actioned,
       count(*) filter (where a.status = 'excluded')                 as cases_excluded,
       count(*) filter (where a.status = 'resolved')                 as cases_resolved,
       round(count(*) filter (where a.status = 'actioned')::numeric / nullif(count(a.alert_id), 0), 4) as action_rate,
       round(count(*) filter (where a.status = 'excluded')::numeric / nullif(count(a.alert_id), 0), 4) as exclusion_rate,
       coalesce(sum(a.estimate_krw), 0)::bigint                      as estimated_krw,
       coalesce(sum(a.collected_krw), 0)::bigint                     as collected_krw
from monitoring.scenario s
left join monitoring.alert a on a.scenario_id = s.scenario_id
group by s.scenario_id, s.area, s.title;

create or replace view monitoring.area_stats as
select s.area,
       count(a.alert_id)                                             as cases_found,
       count(*) filter (where a.status = 'open')                     as cases_open,
       count(*) filter (where a.status = 'checked')                  as cases_checked,
       count(*) filter (where a.status = 'actioned')                 as cases_actioned,
       count(*) filter (where a.status = 'excluded')                 as cases_excluded,
       count(*) filter (where a.status = 'resolved')                 as cases_resolved,
       round(count(*) filter (where a.status = 'actioned')::numeric / nullif(count(a.alert_id), 0), 4) as action_rate,
       round(count(*) filter (where a.status = 'excluded')::numeric / nullif(count(a.alert_id), 0), 4) as exclusion_rate,
       coalesce(sum(a.estimate_krw), 0)::bigint                      as estimated_krw,
       coalesce(sum(a.collected_krw), 0)::bigint                     as collected_krw
from monitoring.scenario s
left join monitoring.alert a on a.scenario_id = s.scenario_id
group by s.area;
