-- Issue 12: the sweeper looks every few minutes for snapshots left received (a crash between recording and queueing).
-- Few rows are ever received, so a partial index keeps that look a few-row scan however long the history grows.
CREATE INDEX snapshots_received ON ingest.snapshots (received_at) WHERE status = 'received';
