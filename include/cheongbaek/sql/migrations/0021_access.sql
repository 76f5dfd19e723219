-- Roles and access: who may read and write which schema, and which petitions
-- a director sees. Idempotent, and safe when several warehouses share one
-- server: roles are server-wide (created only when missing, tolerating a
-- concurrent creator); grants, default privileges and policies are per
-- database and re-runnable.
--
-- Group roles (NOLOGIN; a deployment grants them to its login users):
--
--   cb_loader     the pipeline: usage + create on every warehouse schema, all
--                 DML on their tables and sequences; sees and writes every
--                 row of the row-secured tables.
--   cb_reader     downstream services: reads mart only (not scenario_input,
--                 whose tables carry bank accounts and RRN pseudonyms).
--   cb_auditor    auditors: read dq, audit, monitoring and core (every row),
--                 and mark alerts with monitoring.mark_alert() (its grants
--                 are in 0090_access_grants.sql: they need the monitoring
--                 tables of 0031, which a fresh warehouse creates after this
--                 file).
--   cb_public     publication: reads disclosure only.
--   cb_director   a department director (the OPEN intranet): the petitions of
--                 the department mapped to the director's login in
--                 audit.director_department (which no director may change),
--                 and nothing without it.
--   cb_executive  the city's executives: every petition.
--
-- Tables created later (scenario_input and its siblings are dropped and
-- recreated by each run) get the same grants through ALTER DEFAULT
-- PRIVILEGES, which apply to objects created by the role that ran this file
-- (the migrator, who may also be the pipeline's user) and by cb_loader
-- itself (a pipeline login that does `set role cb_loader`, see README).
-- Nothing here is conditional on a table existing: a grant that cannot be
-- made fails the migration rather than leaving a role short.

-- ------------------------------------------------------------------ roles
do $$
declare
    r record;
begin
    for r in
        select * from (values
            ('cb_loader',    'Cheongbaek pipeline: writes every warehouse schema.'),
            ('cb_reader',    'Cheongbaek downstream services: read mart.'),
            ('cb_auditor',   'Cheongbaek auditors: read dq, audit, monitoring and core; mark alerts.'),
            ('cb_public',    'Cheongbaek publication: reads disclosure only.'),
            ('cb_director',  'Cheongbaek department director: petitions of the department mapped to the login.'),
            ('cb_executive', 'Cheongbaek executive: every petition.')
        ) v (name, note)
    loop
        if not exists (select 1 from pg_roles where rolname = r.name) then
            begin
                execute format('create role %I nologin', r.name);
            exception
                when duplicate_object or unique_violation then
                    null;  -- another warehouse on this server created it meanwhile
                when insufficient_privilege then
                    raise exception 'role % is missing and % may not create roles', r.name, current_user
                        using hint = format('ask a DBA to run: create role %I nologin;', r.name);
            end;
        end if;
        -- The comment is cosmetic and server-wide: written only when it
        -- differs, and never allowed to fail a migration (a role made by a
        -- DBA, or a concurrent writer from another warehouse).
        if shobj_description((select oid from pg_roles where rolname = r.name), 'pg_authid') is distinct from r.note then
            begin
                execute format('comment on role %I is %L', r.name, r.note);
            exception when others then
                raise notice 'comment on role % left as it is: %', r.name, sqlerrm;
            end;
        end if;
    end loop;
end
$$;

-- Nobody but the owner creates objects in public (PostgreSQL 15+ already
-- starts so; an older server or a restored database may not).
revoke create on schema public from public;

-- ------------------------------------------------------------------ cb_loader
grant usage, create on schema staging, quarantine, core, mart, scenario_input, monitoring, disclosure, audit, dq
    to cb_loader;
grant select, insert, update, delete, truncate
    on all tables in schema staging, quarantine, core, mart, scenario_input, monitoring, disclosure, audit, dq
    to cb_loader;
grant usage, select, update
    on all sequences in schema staging, quarantine, core, mart, scenario_input, monitoring, disclosure, audit, dq
    to cb_loader;

-- ------------------------------------------------------------------ cb_reader
grant usage on schema mart to cb_reader;
grant select on all tables in schema mart to cb_reader;
-- scenario_input holds bank accounts and RRN pseudonyms: services get what
-- they need through mart (mart.business_calendar for the calendar). The
-- revokes take back what earlier versions of this file granted.
revoke all on all tables in schema scenario_input from cb_reader;
revoke usage on schema scenario_input from cb_reader;
alter default privileges in schema scenario_input revoke select on tables from cb_reader;

-- ------------------------------------------------------------------ cb_auditor
grant usage on schema dq, audit, monitoring, core to cb_auditor;
grant select on all tables in schema dq, audit, monitoring, core to cb_auditor;

-- ------------------------------------------------------------------ cb_public
grant usage on schema disclosure to cb_public;
grant select on all tables in schema disclosure to cb_public;

-- ------------------------------------------------------------------ cb_director, cb_executive
-- The petition work of the OPEN intranet, and no more: petitions and their
-- steps (row-secured below), the procedure code table and the departments
-- (names and hierarchy). Not core.employee (RRN pseudonyms, bank accounts),
-- not core.party, not the facts of other systems, not mart (whose views
-- run as their owner, so row security would not hold there).
grant usage on schema core to cb_director, cb_executive;
grant select on core.petition, core.petition_history, core.petition_step, core.petition_step_history,
                core.procedure, core.procedure_history, core.department, core.department_history
    to cb_director, cb_executive;

-- ------------------------------------------------------------------ default privileges
-- For objects created later in these schemas by the migrating role...
alter default privileges in schema staging, quarantine, core, mart, scenario_input, monitoring, disclosure, audit, dq
    grant select, insert, update, delete, truncate on tables to cb_loader;
alter default privileges in schema staging, quarantine, core, mart, scenario_input, monitoring, disclosure, audit, dq
    grant usage, select, update on sequences to cb_loader;
alter default privileges in schema mart grant select on tables to cb_reader;
alter default privileges in schema dq, audit, monitoring, core grant select on tables to cb_auditor;
alter default privileges in schema disclosure grant select on tables to cb_public;

-- ...and by cb_loader itself (when the migrating role may act for it: a
-- superuser, or a member of cb_loader).
do $$
begin
    if pg_has_role(current_user, 'cb_loader', 'USAGE') then
        execute 'alter default privileges for role cb_loader in schema staging, quarantine, core, mart, scenario_input,'
                ' monitoring, disclosure, audit, dq grant select, insert, update, delete, truncate on tables to cb_loader';
        execute 'alter default privileges for role cb_loader in schema staging, quarantine, core, mart, scenario_input,'
                ' monitoring, disclosure, audit, dq grant usage, select, update on sequences to cb_loader';
        execute 'alter default privileges for role cb_loader in schema mart grant select on tables to cb_reader';
        execute 'alter default privileges for role cb_loader in schema scenario_input revoke select on tables from cb_reader';
        execute 'alter default privileges for role cb_loader in schema dq, audit, monitoring, core grant select on tables to cb_auditor';
        execute 'alter default privileges for role cb_loader in schema disclosure grant select on tables to cb_public';
    else
        raise notice '% is not a member of cb_loader: tables that cb_loader creates get no default grants', current_user;
    end if;
end
$$;

-- ------------------------------------------------------------------ row-level security
-- Petitions and their steps, as the OPEN intranet had them. Row security is
-- enabled, not forced: the tables' owner (the migrating role) and superusers
-- are unaffected, so a pipeline running as either is too. Every other role
-- sees only what a policy below grants it (no policy: no row).
--
-- A director's department is the row of audit.director_department for the
-- session's login (`insert into audit.director_department values ('kim',
-- '1234567')`, by the migrating role or cb_loader); no row, no petition. A
-- director can neither read nor change that table: the policies ask
-- core.director_dept_cd(), which runs as its owner and answers only for
-- session_user, so no setting or SET ROLE changes what a director sees.
--
--   core.petition_history       a director sees the versions whose dept_cd
--                               is the director's: the petition while it
--                               was (or is) with that department.
--   core.petition_step_history  a director sees a step taken by the
--                               director's department (its own dept_cd), and
--                               every step of a petition whose current
--                               version is with that department (to follow
--                               the whole procedure, consultations of other
--                               departments included).
--   core.petition, core.petition_step (the identities: numbers only) follow
--                               their histories: a number is visible when
--                               one of its versions is.
--
-- cb_executive and cb_auditor see every row, cb_loader sees and writes every
-- row. Policies are dropped and created again, so a change here is applied
-- by re-running the file.

create table if not exists audit.director_department (
    login    text primary key,     -- the director's database login
    dept_cd  text not null,
    note     text
);
comment on table audit.director_department is
    'The department each director login sees (row security of core.petition*). Directors cannot read or change it.';
revoke all on audit.director_department from cb_director, cb_executive, cb_reader, cb_public;

create or replace function core.director_dept_cd() returns text
language sql stable security definer set search_path = pg_catalog as $$
    select dept_cd from audit.director_department where login = session_user::text
$$;
comment on function core.director_dept_cd() is
    'The department of the session''s login (audit.director_department), or null.';

alter table core.petition_history enable row level security;
alter table core.petition_step_history enable row level security;
alter table core.petition enable row level security;
alter table core.petition_step enable row level security;

do $$
declare
    t text;
begin
    foreach t in array array['petition_history', 'petition_step_history', 'petition', 'petition_step'] loop
        execute format('drop policy if exists cb_loader_all on core.%I', t);
        execute format('create policy cb_loader_all on core.%I for all to cb_loader using (true) with check (true)', t);
        execute format('drop policy if exists cb_auditor_read on core.%I', t);
        execute format('create policy cb_auditor_read on core.%I for select to cb_auditor using (true)', t);
        execute format('drop policy if exists cb_executive_read on core.%I', t);
        execute format('create policy cb_executive_read on core.%I for select to cb_executive using (true)', t);
        execute format('drop policy if exists cb_director_read on core.%I', t);
    end loop;
end
$$;

create policy cb_director_read on core.petition_history for select to cb_director
    using (dept_cd = core.director_dept_cd());

-- The sub-query on core.petition_history is itself row-secured for the
-- director, so "its petition's current version" is one the director sees.
create policy cb_director_read on core.petition_step_history for select to cb_director
    using (
        dept_cd = core.director_dept_cd()
        or exists (select 1 from core.petition_history p
                   where p.petition_sk = petition_step_history.petition_sk
                     and p.is_current
                     and p.dept_cd = core.director_dept_cd())
    );

create policy cb_director_read on core.petition for select to cb_director
    using (exists (select 1 from core.petition_history h where h.petition_sk = petition.petition_sk));

create policy cb_director_read on core.petition_step for select to cb_director
    using (exists (select 1 from core.petition_step_history h where h.petition_step_sk = petition_step.petition_step_sk));

comment on policy cb_director_read on core.petition_history is
    'A director (cb_director) sees the versions whose dept_cd is mapped to the login (audit.director_department).';
comment on policy cb_director_read on core.petition_step_history is
    'A director sees the steps of their department (audit.director_department) and every step of the petitions currently with it.';
