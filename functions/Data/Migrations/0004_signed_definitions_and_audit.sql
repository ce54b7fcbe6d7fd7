-- Signed list definitions and the operator audit (issue 11, docs/design.md §3).
-- The operator's signature of what sites receive (name, version, sql, columns, key), stored as given at publish and
-- served with the definition; the uploader refuses a definition whose signature does not verify. NULL: unsigned
-- (published before signing existed, or by a backend without a signing key): uploaders refuse those too.
ALTER TABLE ingest.list_definitions ADD COLUMN signature text;
-- Who published a version and who last made it active ("api:<token name>" or "cli:<user>").
ALTER TABLE ingest.list_definitions ADD COLUMN published_by text;
ALTER TABLE ingest.list_definitions ADD COLUMN activated_by text;

-- Every operator action that changes what sites run or who may act: list publish and activate, operator and site
-- token issue and revoke, site add, replay. Append-only by convention; never holds a token or a definition's SQL.
CREATE TABLE ingest.operator_audit (
    audit_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor     text NOT NULL,
    action    text NOT NULL,
    target    text NOT NULL,
    detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX operator_audit_at ON ingest.operator_audit (at);
