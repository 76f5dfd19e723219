-- Schemas of the warehouse. Idempotent: safe to run any number of times.
create schema if not exists staging;
create schema if not exists quarantine;
create schema if not exists core;
create schema if not exists mart;
create schema if not exists scenario_input;
create schema if not exists monitoring;
create schema if not exists disclosure;
create schema if not exists audit;
create schema if not exists dq;

comment on schema staging is 'Typed copies of every legacy delivery, one row per delivered record version (RRNs pseudonymised).';
comment on schema quarantine is 'Records that failed a blocking row-level check, with the original record (RRNs pseudonymised) and the reason.';
comment on schema core is 'Conformed identities, history and facts across the seven systems.';
comment on schema mart is 'Stable, documented views for downstream services.';
comment on schema scenario_input is 'One table per monitoring scenario family, as of a logical date.';
comment on schema monitoring is 'Alerts raised by scenario runs, their lifecycle and statistics.';
comment on schema disclosure is 'What may be published: the only schema cb_public reads.';
comment on schema audit is 'One row per delivered file or database increment, balanced: rows_in = loaded + quarantined.';
comment on schema dq is 'Great Expectations results per batch and expectation.';
