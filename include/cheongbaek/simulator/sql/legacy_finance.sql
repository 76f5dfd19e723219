-- legacy_finance, schema ehojo: generated from interfaces/finance.yaml by
-- cheongbaek.simulator.legacy_ddl; do not edit (tests/unit/test_interfaces.py checks it).
drop schema if exists ehojo cascade;
create schema if not exists ehojo;
create table if not exists ehojo.tb_budget (
    fscl_yr int not null,
    biz_cd varchar(12) not null,
    dept_cd char(7),
    biz_nm varchar(200),
    bdgt_amt numeric(15),
    supl_amt numeric(15),
    upd_dt timestamp,
    primary key (fscl_yr, biz_cd)
);
create table if not exists ehojo.tb_vendor (
    vndr_id varchar(10) not null,
    brn varchar(12),
    vndr_nm varchar(100),
    rep_nm varchar(50),
    rep_rrn varchar(14),
    addr varchar(200),
    bank_cd char(3),
    acct_no varchar(20),
    biz_stat_cd char(2),
    clsd_dt date,
    upd_dt timestamp,
    primary key (vndr_id)
);
create table if not exists ehojo.tb_contract (
    cntr_no varchar(15) not null,
    fscl_yr int,
    dept_cd char(7),
    biz_cd varchar(12),
    cntr_nm varchar(200),
    cntr_mthd_cd char(2),
    vndr_id varchar(10),
    cntr_amt numeric(15),
    cntr_dt date,
    strt_dt date,
    end_dt date,
    aprv_emp_no char(9),
    del_yn char(1),
    upd_dt timestamp,
    primary key (cntr_no)
);
create table if not exists ehojo.tb_payment (
    pay_no varchar(15) not null,
    fscl_yr int,
    dept_cd char(7),
    biz_cd varchar(12),
    cntr_no varchar(15),
    vndr_id varchar(10),
    invc_no varchar(30),
    pay_amt numeric(15),
    pay_dt date,
    bank_cd char(3),
    acct_no varchar(20),
    aprv_emp_no char(9),
    del_yn char(1),
    upd_dt timestamp,
    primary key (pay_no)
);
create table if not exists ehojo.tb_pub_prop (
    prop_no varchar(12) not null,
    pnu char(19),
    prop_type_cd char(1),
    area_m2 numeric(12,2),
    acq_dt date,
    disp_dt date,
    disp_party_type char(1),
    disp_party_id varchar(14),
    disp_amt numeric(15),
    upd_dt timestamp,
    primary key (prop_no)
);
create table if not exists ehojo.tb_pub_prop_use (
    use_no varchar(12) not null,
    prop_no varchar(12),
    user_party_type char(1),
    user_party_id varchar(14),
    user_nm varchar(100),
    area_m2 numeric(12,2),
    strt_dt date,
    end_dt date,
    upd_dt timestamp,
    primary key (use_no)
);
