-- Operator credentials for admin operations (replay, sites, tokens, lists, fleet). Separate from site tokens:
-- a site token can never act as an admin.
CREATE TABLE ingest.admin_tokens (
    token_id    uuid PRIMARY KEY,
    name        text NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
