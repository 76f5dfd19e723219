-- Batch accounting, data-quality results and quarantine.
create table if not exists audit.batch (
    batch_id          bigserial primary key,
    system            text        not null,  -- finance, tax, duties, hr, construction, realestate, civil
    source_name       text        not null,  -- file name, or schema.table for database increments
    delivery_date     date,                  -- the day folder for file systems
    logical_date      date,                  -- the run's as-of date
    checksum          text,                  -- sha256 of the file, or of the increment's rows
    rows_in           bigint      not null default 0,
    rows_loaded       bigint      not null default 0,
    rows_quarantined  bigint      not null default 0,
    rows_warned       bigint      not null default 0,
    status            text        not null default 'running'
                      check (status in ('running', 'loaded', 'failed', 'superseded')),
    error             text,
    watermark_from    timestamp,             -- database increments: upd_dt range read
    watermark_to      timestamp,
    extra_columns     text[],                -- unknown columns seen and ignored
    started_at        timestamptz not null default clock_timestamp(),
    ended_at          timestamptz,
    constraint batch_balanced check (status <> 'loaded' or rows_in = rows_loaded + rows_quarantined)
);
create index if not exists batch_source_idx on audit.batch (system, source_name, delivery_date);

create table if not exists dq.result (
    batch_id          bigint  not null references audit.batch (batch_id) on delete cascade,
    suite             text    not null,
    expectation       text    not null,  -- expectation type
    column_name       text,
    blocking          boolean not null,
    success           boolean not null,
    observed_value    text,
    element_count     bigint,
    unexpected_count  bigint,
    sample            jsonb,             -- a few unexpected values, PII masked
    primary key (batch_id, suite, expectation, column_name)
);

create table if not exists quarantine.record (
    batch_id     bigint not null references audit.batch (batch_id) on delete cascade,
    system       text   not null,
    source_name  text   not null,
    line_no      bigint not null,        -- physical line (files) or row ordinal (databases)
    reason       text   not null,        -- expectation or parse check that failed
    detail       text,
    record       text   not null,        -- the record as delivered, RRNs pseudonymised
    primary key (batch_id, line_no, reason)
);

-- Watermarks of the incremental database extractions.
create table if not exists audit.watermark (
    system       text not null,
    source_name  text not null,
    high_water   timestamp not null,
    primary key (system, source_name)
);
