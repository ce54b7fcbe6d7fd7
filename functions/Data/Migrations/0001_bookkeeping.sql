-- Bookkeeping of the ingestion service (docs/design.md §4). List data lives in schema "lists",
-- one typed table per list, created when a list definition is published.
CREATE SCHEMA IF NOT EXISTS ingest;
CREATE SCHEMA IF NOT EXISTS lists;

CREATE TABLE ingest.sites (
    site_id     text PRIMARY KEY CHECK (site_id ~ '^[0-9]{7}$'),  -- IBGE municipality code
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ingest.site_tokens (
    token_id    uuid PRIMARY KEY,
    site_id     text NOT NULL REFERENCES ingest.sites (site_id),
    token_hash  bytea NOT NULL UNIQUE,          -- SHA-256 of the token; the token itself is never stored
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE ingest.list_definitions (
    name          text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    version       integer NOT NULL CHECK (version > 0),
    description   text NOT NULL DEFAULT '',
    sql           text NOT NULL,
    columns       jsonb NOT NULL,
    key_columns   text[] NOT NULL,
    is_active     boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz,
    PRIMARY KEY (name, version)
);
CREATE UNIQUE INDEX list_definitions_one_active ON ingest.list_definitions (name) WHERE is_active;

CREATE TABLE ingest.snapshots (
    snapshot_id       uuid PRIMARY KEY,
    site_id           text NOT NULL REFERENCES ingest.sites (site_id),
    list_name         text NOT NULL,
    blob_name         text NOT NULL,
    digest            text NOT NULL,
    compressed_bytes  bigint NOT NULL,
    extracted_at      timestamptz NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    user_agent        text,
    -- received: stored, not yet queued (internal); the API shows it as queued.
    -- The schema's copy of the statuses: code names them only through SnapshotStatuses and moves them only
    -- through functions/Snapshots/SnapshotLedger (transitions in SnapshotLifecycle, ADR 0007).
    status            text NOT NULL CHECK (status IN ('received', 'queued', 'loading', 'loaded', 'skipped', 'rejected', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    load_started_at   timestamptz,
    load_finished_at  timestamptz,
    rows_inserted     bigint,
    rows_updated      bigint,
    rows_deleted      bigint,
    rows_unchanged    bigint,
    error_code        text,
    error_detail      text
);
CREATE INDEX snapshots_site_list ON ingest.snapshots (site_id, list_name, extracted_at DESC);

-- The newest snapshot applied per (site, list): out-of-order snapshots are skipped against it.
CREATE TABLE ingest.load_state (
    site_id            text NOT NULL REFERENCES ingest.sites (site_id),
    list_name          text NOT NULL,
    snapshot_id        uuid NOT NULL,
    extracted_at       timestamptz NOT NULL,
    loaded_at          timestamptz NOT NULL,
    PRIMARY KEY (site_id, list_name)
);

CREATE TABLE ingest.heartbeats (
    site_id      text NOT NULL REFERENCES ingest.sites (site_id),
    received_at  timestamptz NOT NULL DEFAULT now(),
    report       jsonb NOT NULL,
    PRIMARY KEY (site_id, received_at)
);
