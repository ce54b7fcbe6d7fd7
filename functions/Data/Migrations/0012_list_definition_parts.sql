-- List definitions beyond one query (issue 22, docs/adr/0022-list-definitions-beyond-one-query.md): where the rows come
-- from, how the central table takes them, the cursor of an incremental list, the schedule, the central views, and the
-- v3 signature that covers all of it. NULL parts: a plain snapshot list over the site's PostgreSQL, as before.
ALTER TABLE ingest.list_definitions ADD COLUMN mode text NOT NULL DEFAULT 'snapshot';
ALTER TABLE ingest.list_definitions ADD COLUMN source jsonb;
ALTER TABLE ingest.list_definitions ADD COLUMN incremental jsonb;
ALTER TABLE ingest.list_definitions ADD COLUMN schedule jsonb;
ALTER TABLE ingest.list_definitions ADD COLUMN views jsonb;
ALTER TABLE ingest.list_definitions ADD COLUMN signature_v3 text;
