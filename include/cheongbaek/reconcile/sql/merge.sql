-- The generic, set-based merge of one entity from staging into core.
-- Sections are named (-- name: x) and formatted by reconcile/engine.py with
-- the entity's identifiers ({entity}, {keys}, ...), which come from
-- entities.yaml, never from data. Values are bound parameters (%(entity)s).

-- name: new_batches
-- Loaded batches of the entity's systems that it has not taken in yet.
create temp table _nb on commit drop as
select b.batch_id
from audit.batch b
where b.system = any(%(systems)s)
  and b.status = 'loaded'
  and not exists (select 1 from core.reconciled_batch r where r.entity = %(entity)s and r.batch_id = b.batch_id);

-- name: gone_batches
-- Batches taken in earlier that are no longer loaded (a re-delivered day superseded them).
create temp table _gone on commit drop as
select r.batch_id
from core.reconciled_batch r
where r.entity = %(entity)s
  and not exists (select 1 from audit.batch b where b.batch_id = r.batch_id and b.status = 'loaded');

-- name: affected_keys
-- Keys with a version in a new batch, and keys whose history came from a gone batch.
-- A key is "fast" (append-only) when every new version of it is newer than any
-- version taken in before (%(watermark)s, the entity's high-water version_at) and
-- no gone batch touched it: its history is then the old one plus the new versions,
-- compared against its current version only (append_history), instead of being
-- recomputed from every loaded version (delete_history, insert_history).
create temp table _k on commit drop as
select {keys}, coalesce(bool_and(fast), false) as fast, max(top) as top
from (
    select {s_keys}, coalesce(s.version_at > %(watermark)s::timestamp, false) as fast, s.version_at as top
    from ({source}) s
    where s.batch_id in (select batch_id from _nb)
    union all
    select {i_keys}, false, null::timestamp
    from core.{entity}_history h
    join core.{entity} i on i.{entity}_sk = h.{entity}_sk
    where h.batch_id in (select batch_id from _gone)
) a
group by {keys};

-- name: watermark
-- The high-water version_at of everything taken in so far (once, when no earlier run recorded it).
select max(s.version_at)::text
from ({source}) s
where s.batch_id in (select batch_id from core.reconciled_batch where entity = %(entity)s);

-- name: identities
-- New identities; a surrogate key is never reused or renumbered.
insert into core.{entity} ({keys}, first_seen)
select {s_keys}, min(s.version_at)
from ({source}) s
where s.batch_id in (select batch_id from _nb)
group by {s_keys}
on conflict ({keys}) do update set first_seen = excluded.first_seen
where excluded.first_seen < core.{entity}.first_seen;

-- name: delete_history
delete from core.{entity}_history h
using core.{entity} i, _k k
where h.{entity}_sk = i.{entity}_sk and {ik_match} and not k.fast;

-- name: insert_history
-- The affected keys' whole history, recomputed from every loaded version:
-- the newest version of a key on one version_at wins (src_order, then batch),
-- a version equal to the one before it is no new version (type 2), and
-- valid_to is the next version's valid_from. One sort (by surrogate key, which
-- stands for the natural key one to one) serves the distinct and both windows;
-- references are joined last.
insert into core.{entity}_history ({entity}_sk, valid_from, valid_to, is_current, batch_id, {attrs}{ref_cols}, orphan)
with src as (
    select distinct on (i.{entity}_sk, s.version_at) i.{entity}_sk, s.*
    from ({source}) s
    join _k k on {sk_match} and not k.fast
    join core.{entity} i on {si_match}
    order by i.{entity}_sk, s.version_at, s.src_order desc, s.batch_id desc
),
{type2}
select kept.{entity}_sk, kept.version_at, kept._next, kept._next is null,
       kept.batch_id, {kept_attrs}{ref_values}, {orphan}
from kept
{ref_joins};

-- name: type2
-- Type 2 over the versions in `src` (one row per key and version_at, in any
-- order): a version equal to the one before it is no new version, and each
-- kept version ends where the next kept one begins (_next). Shared by
-- insert_history and append_history (the latter keeps only the new versions).
hashed as (
    select src.*, md5(row({src_attrs})::text) as _hash from src
),
marked as (
    select hashed.*,
           _hash is distinct from lag(_hash) over (partition by {entity}_sk order by version_at) as _changed
    from hashed
),
kept as (
    select marked.*, lead(version_at) over (partition by {entity}_sk order by version_at) as _next
    from marked
    where _changed{keep_only}
)

-- name: append_history
-- The fast keys' new versions, exactly as insert_history would compute them:
-- every new version of such a key is newer than all its earlier ones, so the
-- earlier history stands and only the versions after the current one are new.
-- The current version's source row (the winner at its valid_from) is the
-- anchor the first new version is compared with; every earlier version after
-- it was equal to it (type 2), so lag() sees the same value as a full recompute.
create temp table _app on commit drop as
with anchor as (
    select h.{entity}_sk, h.valid_from
    from core.{entity}_history h
    join core.{entity} i on i.{entity}_sk = h.{entity}_sk
    join _k k on {ik_match} and k.fast
    where h.is_current
),
src as (
    select distinct on (u.{entity}_sk, u.version_at) u.*
    from (
        select i.{entity}_sk, true as is_new, s.*
        from ({source}) s
        join _k k on {sk_match} and k.fast
        join core.{entity} i on {si_match}
        where s.batch_id in (select batch_id from _nb)
        union all
        select i.{entity}_sk, false as is_new, s.*
        from anchor a
        join core.{entity} i on i.{entity}_sk = a.{entity}_sk
        join ({source}) s on {si_match} and s.version_at = a.valid_from
    ) u
    order by u.{entity}_sk, u.version_at, u.src_order desc, u.batch_id desc
),
{type2_new}
select kept.{entity}_sk, kept.version_at as valid_from, kept._next as valid_to, kept._next is null as is_current,
       kept.batch_id, {kept_attrs}{ref_values_named}, {orphan} as orphan
from kept
{ref_joins};

-- name: close_current
-- A fast key's current version ends where its first new version begins.
update core.{entity}_history h
set valid_to = a.valid_from, is_current = false
from (select {entity}_sk, min(valid_from) as valid_from from _app group by {entity}_sk) a
where h.{entity}_sk = a.{entity}_sk and h.is_current;

-- name: insert_appended
insert into core.{entity}_history ({entity}_sk, valid_from, valid_to, is_current, batch_id, {attrs}{ref_cols}, orphan)
select {entity}_sk, valid_from, valid_to, is_current, batch_id, {attrs}{ref_cols}, orphan
from _app;

-- name: resolve_orphans
-- Versions flagged earlier whose references may have arrived since (keys joined
-- back from the identity, so that a reference held in a key column resolves too).
update core.{entity}_history h
set {ref_sets}orphan = x.orphan
from (
    select kept.{entity}_sk, kept.valid_from{ref_values_named}, {orphan} as orphan
    from (select h2.*, {i_keys}
          from core.{entity}_history h2
          join core.{entity} i on i.{entity}_sk = h2.{entity}_sk
          where h2.orphan <> '{{}}') kept
    {ref_joins}
) x
where h.{entity}_sk = x.{entity}_sk and h.valid_from = x.valid_from and h.orphan is distinct from x.orphan;

-- name: record_batches
insert into core.reconciled_batch (entity, batch_id)
select %(entity)s, batch_id from _nb
on conflict do nothing;

-- name: forget_batches
delete from core.reconciled_batch
where entity = %(entity)s and batch_id in (select batch_id from _gone);

-- name: drop_temp
drop table if exists _nb, _gone, _k, _app;

-- name: party_identities
-- Parties named in new batches of any system; matched by identifier only.
insert into core.party (party_type, party_id, id_status, first_seen)
select p.party_type, p.party_id, max(p.id_status), min(p.seen_on)
from ({source}) p
where p.batch_id in (select batch_id from _nb)
group by p.party_type, p.party_id
on conflict (party_type, party_id) do update
set first_seen = least(core.party.first_seen, excluded.first_seen),
    id_status = coalesce(core.party.id_status, excluded.id_status)
where excluded.first_seen < core.party.first_seen
   or (core.party.id_status is null and excluded.id_status is not null);

-- name: party_names
-- Every name variant a party was given, per system, with when it was seen.
insert into core.party_name (party_sk, party_nm, system, first_seen, last_seen)
select i.party_sk, p.party_nm, p.system, min(p.seen_on), max(p.seen_on)
from ({source}) p
join core.party i on i.party_type = p.party_type and i.party_id = p.party_id
where p.batch_id in (select batch_id from _nb)
  and nullif(btrim(p.party_nm), '') is not null
group by i.party_sk, p.party_nm, p.system
on conflict (party_sk, party_nm, system) do update
set first_seen = least(core.party_name.first_seen, excluded.first_seen),
    last_seen = greatest(core.party_name.last_seen, excluded.last_seen)
where excluded.first_seen < core.party_name.first_seen or excluded.last_seen > core.party_name.last_seen;
