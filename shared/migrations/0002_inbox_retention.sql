-- The inbox is pruned of ids older than the retention (shared/messaging/inbox.py prune):
-- a BRIN index on the time it was written finds them without a scan, and costs the
-- inserts on the pipeline almost nothing (rows arrive in time order).
CREATE INDEX IF NOT EXISTS inbox_processed_at ON inbox USING brin (processed_at);
