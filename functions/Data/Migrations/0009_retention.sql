-- Issue 23: the daily retention run deletes heartbeats and final snapshot records past their retention, oldest first,
-- in small batches (functions/Operations/Retention.cs). These indexes make each batch a scan of the oldest rows,
-- not of the whole table (the primary keys lead with the site). ingest.operator_audit has its index on "at" (0004).
CREATE INDEX heartbeats_received ON ingest.heartbeats (received_at);
CREATE INDEX snapshots_received_at ON ingest.snapshots (received_at);
