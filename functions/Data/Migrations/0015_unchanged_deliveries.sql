-- Unchanged deliveries (issue 25, docs/adr/0024-unchanged-deliveries.md).

-- An unchanged delivery is recorded as a snapshot loaded without a payload: its delivery kind says so
-- (contracts/DeliveryKinds.cs Unchanged), its blob name and content digest are empty, its compressed bytes 0.
ALTER TABLE ingest.snapshots DROP CONSTRAINT IF EXISTS snapshots_delivery_kind_check;
ALTER TABLE ingest.snapshots ADD CONSTRAINT snapshots_delivery_kind_check
    CHECK (delivery_kind IN ('snapshot', 'append', 'changes', 'keyset', 'same-rows'));

-- What the backend holds per (site, list) of a snapshot-mode list, computed from the central rows by the load that
-- wrote them (functions/Loading/HeldDigests.cs), never taken from the edge. An unchanged delivery is honoured only
-- against it. table_filenode and rows let an unchanged delivery check cheaply that central still holds what the
-- digest was computed from (a restored or truncated table has another file node; rows deleted by hand another count).
CREATE TABLE ingest.held_digests (
    site_id            text NOT NULL REFERENCES ingest.sites (site_id),
    list_name          text NOT NULL,
    list_version       integer NOT NULL,
    rows               bigint NOT NULL,
    rows_digest        text NOT NULL,
    table_filenode     oid NOT NULL,
    snapshot_id        uuid NOT NULL,      -- the full delivery whose load computed it
    full_received_at   timestamptz NOT NULL, -- when that full delivery arrived: the next is forced after Ingest:FullDeliveryEveryDays
    computed_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, list_name)
);
