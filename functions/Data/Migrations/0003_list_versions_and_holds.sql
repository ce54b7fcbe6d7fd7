-- Issue 11: a snapshot is loaded with the list version it was checked against at ingest; a snapshot that would wipe
-- most of a site's rows is held for an operator.

-- The version of the list definition the snapshot's header matched at ingest (docs/design.md §5). Rows recorded
-- before this migration get the version active now, which is the one they were checked against.
ALTER TABLE ingest.snapshots ADD COLUMN list_version integer;
UPDATE ingest.snapshots s SET list_version = d.version
  FROM ingest.list_definitions d
 WHERE d.name = s.list_name AND d.is_active AND s.list_version IS NULL;

-- Set when an operator applies a held snapshot: the load then skips the mass-deletion guard.
ALTER TABLE ingest.snapshots ADD COLUMN hold_released_at timestamptz;

ALTER TABLE ingest.snapshots DROP CONSTRAINT snapshots_status_check;
ALTER TABLE ingest.snapshots ADD CONSTRAINT snapshots_status_check
    CHECK (status IN ('received', 'queued', 'loading', 'loaded', 'skipped', 'held', 'rejected', 'failed'));

CREATE INDEX snapshots_held ON ingest.snapshots (site_id, list_name) WHERE status = 'held';
