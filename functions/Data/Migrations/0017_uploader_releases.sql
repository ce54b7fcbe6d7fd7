-- Uploader releases and their staged rollout (issue 26, docs/adr/0026-uploader-releases-and-rollout.md).

-- One row per published build: its signed manifest exactly as the operator's offline key signed it (the backend has
-- no private key and never writes one), and where its binary is in Blob storage. version_order is the version's parts
-- as numbers, so "not above every published version" is one comparison. A re-signed manifest (same version, size and
-- digest, later signedAt) replaces the manifest and its expiry; nothing else in a row ever changes.
CREATE TABLE ingest.releases (
    runtime        text NOT NULL,
    version        text NOT NULL,
    version_order  integer[] NOT NULL,
    size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    key_id         text NOT NULL,
    signed_at      timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    manifest       jsonb NOT NULL,
    blob_name      text NOT NULL,
    published_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_by   text NOT NULL,
    PRIMARY KEY (runtime, version),
    UNIQUE (runtime, version_order)
);

-- The rollout per runtime: the version every site gets (current), the version a canary set gets first (named sites
-- and/or a share of sites chosen by a hash of the site id), and whether the operator halted it (then no site is
-- offered anything but its pin: sites stay where they are).
CREATE TABLE ingest.release_rollouts (
    runtime          text PRIMARY KEY,
    current_version  text,
    canary_version   text,
    canary_sites     text[] NOT NULL DEFAULT '{}',
    canary_percent   integer NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 100),
    halted           boolean NOT NULL DEFAULT false,
    changed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by       text NOT NULL,
    FOREIGN KEY (runtime, current_version) REFERENCES ingest.releases (runtime, version),
    FOREIGN KEY (runtime, canary_version) REFERENCES ingest.releases (runtime, version)
);

-- A site held at one version of its runtime, whatever the rollout says (a pin wins over canary, promote and halt).
CREATE TABLE ingest.release_pins (
    site_id    text NOT NULL REFERENCES ingest.sites (site_id),
    runtime    text NOT NULL,
    version    text NOT NULL,
    pinned_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    pinned_by  text NOT NULL,
    PRIMARY KEY (site_id, runtime),
    FOREIGN KEY (runtime, version) REFERENCES ingest.releases (runtime, version)
);

-- The last self-update each site reported in a heartbeat (state, version, reason), for the fleet view and the rollout's
-- progress; the heartbeat itself keeps the report too, until retention deletes it.
CREATE TABLE ingest.site_updates (
    site_id       text PRIMARY KEY REFERENCES ingest.sites (site_id),
    state         text NOT NULL,
    version       text NOT NULL,
    from_version  text,
    reason        text,
    reported_at   timestamptz,
    received_at   timestamptz NOT NULL
);

-- Versions a site rolled back (or whose binary failed there) and will not try again until an operator clears them:
-- blocked_at is when the backend received the newest report blocking it (reported_at: that report's own time, so the
-- same report sent twice blocks once), cleared_at the operator's clearance. The manifest answer carries
-- X-Release-Cleared while cleared_at is newer than blocked_at.
CREATE TABLE ingest.release_blocks (
    site_id      text NOT NULL REFERENCES ingest.sites (site_id),
    version      text NOT NULL,
    state        text,
    reason       text,
    reported_at  timestamptz,
    blocked_at   timestamptz,
    cleared_at   timestamptz,
    cleared_by   text,
    PRIMARY KEY (site_id, version)
);
