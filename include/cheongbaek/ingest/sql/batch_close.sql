update audit.batch
set rows_in = %(rows_in)s,
    rows_loaded = %(rows_loaded)s,
    rows_quarantined = %(rows_quarantined)s,
    rows_warned = %(rows_warned)s,
    extra_columns = %(extra_columns)s,
    watermark_from = %(watermark_from)s,
    watermark_to = %(watermark_to)s,
    status = 'loaded',
    ended_at = clock_timestamp()
where batch_id = %(batch_id)s;
