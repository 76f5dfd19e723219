-- The batch's landing table: staging columns without constraints (a row that
-- fails validation must still land, to be quarantined), plus the loader's own.
create temp table _ld on commit drop as
select {cols} from {table} limit 0;
alter table _ld
    add column _line    bigint,
    add column _record  text,
    add column _reason  text,
    add column _detail  text,
    add column _warn    boolean,
    add column _src_key text;
