-- The per-site upload budget (docs/adr/0011-limits-across-instances.md) counts a site's snapshots received in the last
-- minute on every PUT, from whichever instance: an index scan of a few rows, not a walk over the site's history.
CREATE INDEX snapshots_site_received ON ingest.snapshots (site_id, received_at DESC);
