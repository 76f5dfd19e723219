-- e-hojo (finance) legacy schema, exactly as legacy-interfaces.md section 1 says:
-- spec column types, primary keys, no foreign keys. The simulator drops and
-- recreates the schema so that every run starts from a clean world.
drop schema if exists ehojo cascade;
create schema if not exists ehojo;

create table if not exists ehojo.tb_budget (
    fscl_yr int not null, biz_cd varchar(12) not null, dept_cd char(7), biz_nm varchar(200),
    bdgt_amt numeric(15), supl_amt numeric(15), upd_dt timestamp,
    primary key (fscl_yr, biz_cd)
);
create table if not exists ehojo.tb_vendor (
    vndr_id varchar(10) primary key, brn varchar(12), vndr_nm varchar(100), rep_nm varchar(50),
    rep_rrn varchar(14), addr varchar(200), bank_cd char(3), acct_no varchar(20), biz_stat_cd char(2),
    clsd_dt date, upd_dt timestamp
);
create table if not exists ehojo.tb_contract (
    cntr_no varchar(15) primary key, fscl_yr int, dept_cd char(7), biz_cd varchar(12), cntr_nm varchar(200),
    cntr_mthd_cd char(2), vndr_id varchar(10), cntr_amt numeric(15), cntr_dt date, strt_dt date, end_dt date,
    aprv_emp_no char(9), del_yn char(1), upd_dt timestamp
);
create table if not exists ehojo.tb_payment (
    pay_no varchar(15) primary key, fscl_yr int, dept_cd char(7), biz_cd varchar(12), cntr_no varchar(15),
    vndr_id varchar(10), invc_no varchar(30), pay_amt numeric(15), pay_dt date, bank_cd char(3),
    acct_no varchar(20), aprv_emp_no char(9), del_yn char(1), upd_dt timestamp
);
create table if not exists ehojo.tb_pub_prop (
    prop_no varchar(12) primary key, pnu char(19), prop_type_cd char(1), area_m2 numeric(12,2), acq_dt date,
    disp_dt date, disp_party_type char(1), disp_party_id varchar(14), disp_amt numeric(15), upd_dt timestamp
);
create table if not exists ehojo.tb_pub_prop_use (
    use_no varchar(12) primary key, prop_no varchar(12), user_party_type char(1), user_party_id varchar(14),
    user_nm varchar(100), area_m2 numeric(12,2), strt_dt date, end_dt date, upd_dt timestamp
);
