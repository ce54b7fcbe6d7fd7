-- Deliveries beyond whole snapshots (issue 22, docs/adr/0022-list-definitions-beyond-one-query.md).

-- What each delivery holds (X-Delivery: contracts/DeliveryKinds.cs) and, for an incremental list, its X-Cursor: the
-- loader reads both from here (never from the queue message), and replay from the blob's metadata.
ALTER TABLE ingest.snapshots ADD COLUMN delivery_kind text NOT NULL DEFAULT 'snapshot'
    CHECK (delivery_kind IN ('snapshot', 'append', 'changes', 'keyset'));
ALTER TABLE ingest.snapshots ADD COLUMN delivery_cursor text;

-- The acknowledged cursor per (site, list) of an incremental list, written by the load that commits it and never
-- lowered (functions/Snapshots/ListCursors.cs); keyset_at is when the latest key set was loaded.
CREATE TABLE ingest.list_cursors (
    site_id             text NOT NULL REFERENCES ingest.sites (site_id),
    list_name           text NOT NULL,
    cursor              text,
    snapshot_id         uuid,
    loaded_at           timestamptz,
    keyset_snapshot_id  uuid,
    keyset_at           timestamptz,
    PRIMARY KEY (site_id, list_name)
);
