-- Issue 12: a received snapshot is queued by exactly one request. The request that records it claims the queueing;
-- a repeat of the upload may take the claim over only once it is stale (the first request died before queueing).
ALTER TABLE ingest.snapshots ADD COLUMN queue_claimed_at timestamptz;
