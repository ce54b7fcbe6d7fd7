-- When a revoked token of the site was last refused: the fleet view shows the site's category as "token" while this is
-- newer than its last heartbeat (a site whose token was revoked can no longer send heartbeats to say so itself).
ALTER TABLE ingest.sites ADD COLUMN token_refused_at timestamptz;
