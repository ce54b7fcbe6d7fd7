-- Loads stage deliveries in one UNLOGGED table per list instead of a temp table per load (issue 25 item 2,
-- docs/adr/0025-unlogged-staging-tables.md): creating and dropping two temp tables of 30-46 columns wrote about 60 kB of
-- catalog WAL per load, whatever changed. From now on `lists publish` creates staging.<list> next to lists.<list>
-- (functions/Lists/ListPublisher.cs, StagingTableSql); this creates it for the lists published before, the same way,
-- and gives their keyed tables the fillfactor new ones get.
CREATE SCHEMA IF NOT EXISTS staging;

DO $$
DECLARE
    list_table name;
BEGIN
    FOR list_table IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'lists' AND c.relkind IN ('r', 'p')
    LOOP
        EXECUTE format('CREATE UNLOGGED TABLE IF NOT EXISTS staging.%I (LIKE lists.%I INCLUDING DEFAULTS, ingest_op text, ingest_row_hash text, ingest_count bigint, ingest_ctid tid) '
            'WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000)',
            list_table, list_table);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON staging.%I (snapshot_id)', list_table || '_load', list_table);
        -- A keyed list's daily updates stay on their page (HOT) when the page has room: pages written from now on keep
        -- 10 % free, as ListPublisher.CreateTableSql makes new tables (ListPublisher.KeyedFillFactor).
        IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = format('lists.%I', list_table)::regclass AND contype = 'p') THEN
            EXECUTE format('ALTER TABLE lists.%I SET (fillfactor = 90)', list_table);
        END IF;
    END LOOP;
END
$$;
