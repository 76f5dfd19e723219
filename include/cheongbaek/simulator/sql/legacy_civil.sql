-- legacy_civil, schema saeol: generated from interfaces/civil.yaml by
-- cheongbaek.simulator.legacy_ddl; do not edit (tests/unit/test_interfaces.py checks it).
drop schema if exists saeol cascade;
create schema if not exists saeol;
create table if not exists saeol.proc_code (
    proc_cd char(5) not null,
    sector_cd char(3),
    proc_nm varchar(200),
    legal_days int,
    open_yn char(1),
    primary key (proc_cd)
);
create table if not exists saeol.petition (
    ptn_no varchar(20) not null,
    proc_cd char(5),
    rcpt_dtm timestamp,
    apln_type char(1),
    apln_id varchar(14),
    apln_nm varchar(50),
    apln_addr varchar(200),
    pnu char(19),
    dept_cd char(7),
    chrg_emp_no int,
    due_dt date,
    stat_cd char(3),
    rslt_cd char(1),
    cmpl_dtm timestamp,
    upd_dtm timestamp,
    primary key (ptn_no)
);
create table if not exists saeol.petition_step (
    ptn_no varchar(20) not null,
    step_seq smallint not null,
    step_cd char(4),
    step_dtm timestamp,
    emp_no int,
    dept_cd char(7),
    memo text,
    upd_dtm timestamp,
    primary key (ptn_no, step_seq)
);
create table if not exists saeol.permit (
    prmt_no varchar(15) not null,
    prmt_type_cd char(4),
    biz_type_cd char(3),
    holder_type char(1),
    holder_id varchar(14),
    holder_nm varchar(100),
    pnu char(19),
    area_m2 numeric(12,2),
    strt_dt date,
    end_dt date,
    ptn_no varchar(20),
    upd_dtm timestamp,
    primary key (prmt_no)
);
create table if not exists saeol.inspection (
    insp_no varchar(15) not null,
    prmt_no varchar(15),
    insp_dt date,
    viol_yn char(1),
    viol_cd varchar(10),
    sanction_cd char(4),
    sanction_amt numeric(15),
    upd_dtm timestamp,
    primary key (insp_no)
);
