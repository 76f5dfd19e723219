-- Disclosure: the tables the public publications are made of (OPEN petitions
-- and Clean Finance, see shared/disclosure.md). This schema is the only one
-- cb_public may read, so nothing personal may ever land here: the tables are
-- filled by cheongbaek.publish (publish/sql/build.sql) from staging, as of a
-- date D, inside the same transaction that writes and checks the files.
-- Columns mirror the Frictionless table schemas in publish/schemas/ (a test
-- keeps both in step).

create table if not exists disclosure.open_procedures (
    proc_cd              text primary key,
    sector_cd            text,
    sector_nm            text,
    proc_nm              text not null,
    legal_days           integer not null,
    standard_flow        text not null,      -- step codes in order, '>'-separated
    standard_flow_names  text not null,      -- their names, ' > '-separated
    flow_basis           text not null       -- 'observed' (most common completed sequence) or 'default'
);

create table if not exists disclosure.open_petitions (
    ptn_no            text primary key,
    proc_cd           text not null references disclosure.open_procedures (proc_cd),
    proc_nm           text not null,
    sector_nm         text,
    rcpt_dt           date not null,
    due_dt            date not null,
    status            text not null,
    current_step_cd   text,
    current_step_nm   text,
    cmpl_dt           date,
    result            text,
    dept_nm           text,
    official_nm       text,
    official_title    text,
    bdays_elapsed     integer not null,
    overdue           boolean not null,
    applicant         text,
    district          text
);

create table if not exists disclosure.open_petition_steps (
    ptn_no          text not null references disclosure.open_petitions (ptn_no),
    step_seq        integer not null,
    step_cd         text not null,
    step_nm         text not null,
    step_dtm        timestamp(0),
    dept_nm         text,
    official_nm     text,
    official_title  text,
    primary key (ptn_no, step_seq)
);

create table if not exists disclosure.finance_budget_execution (
    fscl_yr     integer not null,
    dept_cd     text not null,
    dept_nm     text,
    biz_cd      text not null,
    biz_nm      text,
    bdgt_amt    bigint not null,
    supl_amt    bigint not null,
    paid_amt    bigint not null,
    exec_rate   numeric,                    -- rounded to 4 decimals: paid / (budget + supplementary); null when both are 0
    primary key (fscl_yr, dept_cd, biz_cd)
);

create table if not exists disclosure.finance_contracts (
    cntr_no        text primary key,
    cntr_nm        text,
    fscl_yr        integer,
    dept_cd        text,
    dept_nm        text,
    biz_cd         text,
    cntr_mthd_cd   text,
    cntr_mthd_nm   text,
    vndr_nm        text,
    vndr_brn       text,
    cntr_amt       bigint,
    cntr_dt        date,
    strt_dt        date,
    end_dt         date,
    paid_amt       bigint not null
);

create table if not exists disclosure.finance_payments_monthly (
    fscl_yr      integer not null,
    pay_month    text not null,             -- YYYY-MM of the payment date
    dept_cd      text not null,
    dept_nm      text,
    biz_cd       text not null,
    biz_nm       text,
    pay_count    integer not null,
    pay_total    bigint not null,
    primary key (fscl_yr, pay_month, dept_cd, biz_cd)
);

-- One row per publication attempt: what was published where, or why not.
create table if not exists audit.publication (
    pub_id       bigserial primary key,
    as_of        date not null,
    folder       text not null,
    status       text not null check (status in ('published', 'failed')),
    rows         jsonb,
    checks       jsonb,
    error        text,
    recorded_at  timestamptz not null default clock_timestamp()
);

-- cb_public reads disclosure only; the role comes from another migration
-- (server-wide), so grant only when it exists.
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'cb_public') then
        execute 'grant usage on schema disclosure to cb_public';
        execute 'grant select on all tables in schema disclosure to cb_public';
    end if;
end
$$;
