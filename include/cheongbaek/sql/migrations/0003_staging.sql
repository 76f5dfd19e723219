-- Typed staging tables: one row per delivered record version.
--
-- File systems: (batch_id, line_no) identifies a row; delivery_date is the day
-- folder; the newest delivery of a key wins downstream (delivery_date, then
-- line_no). A re-delivered day replaces the batch of the same file.
-- Database systems: one row per (key, upd_dt) version, loaded exactly once.
--
-- Privacy: every RRN column holds the keyed pseudonym ('p_' + 32 hex chars),
-- never the number; *_id_status says 'valid' or 'unverifiable' for persons
-- ('brn' for businesses). Party ids of businesses are BRN digits only.

-- ---------------------------------------------------------------- tax
create table if not exists staging.tax_assessment (
    batch_id        bigint  not null,
    delivery_date   date    not null,
    line_no         integer not null,
    asmt_no         text    not null,
    tax_item_cd     text    not null,
    party_type      text    not null,
    party_id        text    not null,
    party_id_status text    not null,
    party_nm        text,
    pnu             text,
    tax_base_amt    bigint  not null,
    tax_amt         bigint  not null,
    cause_dt        date,
    asmt_dt         date,
    due_dt          date,
    paid_dt         date,
    status_cd       text    not null,
    dept_cd         text,
    primary key (batch_id, line_no)
);
create index if not exists tax_assessment_key on staging.tax_assessment (asmt_no, delivery_date);

-- ---------------------------------------------------------------- duties
create table if not exists staging.duty (
    batch_id        bigint  not null,
    delivery_date   date    not null,
    line_no         integer not null,
    imps_no         text    not null,
    duty_cd         text    not null,
    party_type      text    not null,
    party_id        text    not null,
    party_id_status text    not null,
    party_nm        text,
    pnu             text,
    basis_no        text,
    imps_amt        bigint  not null,
    imps_dt         date,
    due_dt          date,
    paid_dt         date,
    status          text    not null,
    dept_cd         text,
    primary key (batch_id, line_no)
);
create index if not exists duty_key on staging.duty (imps_no, delivery_date);

-- ---------------------------------------------------------------- hr
create table if not exists staging.hr_dept (
    batch_id        bigint  not null,
    delivery_date   date    not null,
    line_no         integer not null,
    dept_cd         text    not null,
    dept_nm         text    not null,
    upper_dept_cd   text,
    primary key (batch_id, line_no)
);

create table if not exists staging.hr_emp (
    batch_id        bigint  not null,
    delivery_date   date    not null,
    line_no         integer not null,
    emp_no          text    not null,   -- 9 digits
    emp_nm          text    not null,
    rrn             text    not null,   -- pseudonym
    rrn_status      text    not null,
    dept_cd         text,
    grade           smallint,
    title           text,
    hire_dt         date,
    retire_dt       date,
    status          text    not null,
    bank_cd         text,
    acct_no         text,
    addr            text,
    primary key (batch_id, line_no)
);
create index if not exists hr_emp_key on staging.hr_emp (emp_no, delivery_date);

create table if not exists staging.hr_pay (
    batch_id        bigint  not null,
    delivery_date   date    not null,
    line_no         integer not null,
    pay_ym          text    not null,   -- YYYYMM
    emp_no          text    not null,
    gross_amt       bigint  not null,
    net_amt         bigint  not null,
    pay_dt          date,
    bank_cd         text,
    acct_no         text,
    primary key (batch_id, line_no)
);
create index if not exists hr_pay_key on staging.hr_pay (pay_ym, emp_no, delivery_date);

-- ---------------------------------------------------------------- construction
create table if not exists staging.bld_permit (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    mgm_pmsrgst_pk    text    not null,
    sigungu_cd        text,
    bjdong_cd         text,
    plat_gb_cd        text,
    bun               text,
    ji                text,
    pnu               text,             -- null for a block site (platGbCd 2)
    plat_plc          text,
    main_purps_cd     text,
    main_purps_cd_nm  text,
    tot_area          numeric(14,2),
    arch_pms_day      date,
    ownr_gb_cd        text,
    ownr_id           text,
    ownr_id_status    text,
    ownr_nm           text,
    stat              text,
    last_upd_dt       timestamp,
    primary key (batch_id, line_no)
);
create index if not exists bld_permit_key on staging.bld_permit (mgm_pmsrgst_pk, delivery_date);

create table if not exists staging.bld_useapr (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    mgm_pmsrgst_pk    text    not null,
    use_apr_day       date,
    tot_area          numeric(14,2),
    main_purps_cd     text,
    ownr_gb_cd        text,
    ownr_id           text,
    ownr_id_status    text,
    ownr_nm           text,
    last_upd_dt       timestamp,
    primary key (batch_id, line_no)
);
create index if not exists bld_useapr_key on staging.bld_useapr (mgm_pmsrgst_pk, delivery_date);

create table if not exists staging.bld_violation (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    viol_pk           text    not null,
    sigungu_cd        text,
    bjdong_cd         text,
    plat_gb_cd        text,
    bun               text,
    ji                text,
    pnu               text,
    viol_day          date,
    viol_area         numeric(14,2),
    viol_cn           text,             -- free text: never published
    ownr_gb_cd        text,
    ownr_id           text,
    ownr_id_status    text,
    ownr_nm           text,
    crct_day          date,
    last_upd_dt       timestamp,
    primary key (batch_id, line_no)
);
create index if not exists bld_violation_key on staging.bld_violation (viol_pk, delivery_date);

-- ---------------------------------------------------------------- realestate
create table if not exists staging.re_parcel (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    pnu               text    not null,
    jimok             text,
    area_m2           numeric(14,2),
    ofcl_price        bigint,
    owner_type        text,
    owner_id          text,
    owner_id_status   text,
    owner_nm          text,
    public_yn         text,
    chg_dt            date,
    primary key (batch_id, line_no)
);
create index if not exists re_parcel_key on staging.re_parcel (pnu, delivery_date);

create table if not exists staging.re_transfer (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    trnsf_id          text    not null,
    pnu               text    not null,
    obj_type          text    not null,
    cntr_dt           date,
    rgst_dt           date,
    price             bigint,
    from_type         text,
    from_id           text,
    from_id_status    text,
    to_type           text,
    to_id             text,
    to_id_status      text,
    to_nm             text,
    cause             text,
    primary key (batch_id, line_no)
);
create index if not exists re_transfer_key on staging.re_transfer (trnsf_id, delivery_date);

create table if not exists staging.re_realname_viol (
    batch_id          bigint  not null,
    delivery_date     date    not null,
    line_no           integer not null,
    viol_id           text    not null,
    pnu               text    not null,
    party_type        text    not null,
    party_id          text    not null,
    party_id_status   text    not null,
    party_nm          text,
    dtct_dt           date,
    prop_value        bigint,
    primary key (batch_id, line_no)
);
create index if not exists re_realname_viol_key on staging.re_realname_viol (viol_id, delivery_date);

-- ---------------------------------------------------------------- finance (ehojo)
create table if not exists staging.fin_budget (
    batch_id   bigint not null,
    fscl_yr    integer not null,
    biz_cd     text not null,
    dept_cd    text,
    biz_nm     text,
    bdgt_amt   bigint,
    supl_amt   bigint,
    upd_dt     timestamp not null,
    primary key (fscl_yr, biz_cd, upd_dt)
);

create table if not exists staging.fin_vendor (
    batch_id        bigint not null,
    vndr_id         text not null,
    brn             text,               -- digits only
    vndr_nm         text,
    rep_nm          text,
    rep_rrn         text,               -- pseudonym
    rep_rrn_status  text,
    addr            text,
    bank_cd         text,
    acct_no         text,
    biz_stat_cd     text,
    clsd_dt         date,
    upd_dt          timestamp not null,
    primary key (vndr_id, upd_dt)
);

create table if not exists staging.fin_contract (
    batch_id      bigint not null,
    cntr_no       text not null,
    fscl_yr       integer,
    dept_cd       text,
    biz_cd        text,
    cntr_nm       text,
    cntr_mthd_cd  text,
    vndr_id       text,
    cntr_amt      bigint,
    cntr_dt       date,
    strt_dt       date,
    end_dt        date,
    aprv_emp_no   text,                 -- 9 digits
    del_yn        text,
    upd_dt        timestamp not null,
    primary key (cntr_no, upd_dt)
);

create table if not exists staging.fin_payment (
    batch_id      bigint not null,
    pay_no        text not null,
    fscl_yr       integer,
    dept_cd       text,
    biz_cd        text,
    cntr_no       text,
    vndr_id       text,
    invc_no       text,
    pay_amt       bigint,
    pay_dt        date,
    bank_cd       text,
    acct_no       text,
    aprv_emp_no   text,
    del_yn        text,
    upd_dt        timestamp not null,
    primary key (pay_no, upd_dt)
);

create table if not exists staging.fin_pub_prop (
    batch_id         bigint not null,
    prop_no          text not null,
    pnu              text,
    prop_type_cd     text,
    area_m2          numeric(12,2),
    acq_dt           date,
    disp_dt          date,
    disp_party_type  text,
    disp_party_id    text,
    disp_party_id_status text,
    disp_amt         bigint,
    upd_dt           timestamp not null,
    primary key (prop_no, upd_dt)
);

create table if not exists staging.fin_pub_prop_use (
    batch_id          bigint not null,
    use_no            text not null,
    prop_no           text,
    user_party_type   text,
    user_party_id     text,
    user_party_id_status text,
    user_nm           text,
    area_m2           numeric(12,2),
    strt_dt           date,
    end_dt            date,
    upd_dt            timestamp not null,
    primary key (use_no, upd_dt)
);

-- ---------------------------------------------------------------- civil (saeol)
create table if not exists staging.civ_proc_code (
    batch_id     bigint not null,
    proc_cd      text not null,
    sector_cd    text,
    proc_nm      text,
    legal_days   integer,
    open_yn      text,
    primary key (batch_id, proc_cd)
);

create table if not exists staging.civ_petition (
    batch_id      bigint not null,
    ptn_no        text not null,
    proc_cd       text,
    rcpt_dtm      timestamp,
    apln_type     text,
    apln_id       text,
    apln_id_status text,
    apln_nm       text,
    apln_addr     text,
    pnu           text,
    dept_cd       text,
    chrg_emp_no   text,                 -- normalised to 9 digits
    due_dt        date,
    stat_cd       text,
    rslt_cd       text,
    cmpl_dtm      timestamp,
    upd_dtm       timestamp not null,
    primary key (ptn_no, upd_dtm)
);

create table if not exists staging.civ_petition_step (
    batch_id   bigint not null,
    ptn_no     text not null,
    step_seq   smallint not null,
    step_cd    text,
    step_dtm   timestamp,
    emp_no     text,                    -- normalised to 9 digits
    dept_cd    text,
    memo       text,                    -- free text, RRN-shaped values pseudonymised; never published
    upd_dtm    timestamp not null,
    primary key (ptn_no, step_seq, upd_dtm)
);

create table if not exists staging.civ_permit (
    batch_id      bigint not null,
    prmt_no       text not null,
    prmt_type_cd  text,
    biz_type_cd   text,
    holder_type   text,
    holder_id     text,
    holder_id_status text,
    holder_nm     text,
    pnu           text,
    area_m2       numeric(12,2),
    strt_dt       date,
    end_dt        date,
    ptn_no        text,
    upd_dtm       timestamp not null,
    primary key (prmt_no, upd_dtm)
);

create table if not exists staging.civ_inspection (
    batch_id      bigint not null,
    insp_no       text not null,
    prmt_no       text,
    insp_dt       date,
    viol_yn       text,
    viol_cd       text,
    sanction_cd   text,
    sanction_amt  bigint,
    upd_dtm       timestamp not null,
    primary key (insp_no, upd_dtm)
);
