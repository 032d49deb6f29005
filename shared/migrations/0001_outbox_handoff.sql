-- The relay is handed what its process commits (shared/messaging/outbox.py) and polls for
-- the rest: no NOTIFY per committing transaction (each took PostgreSQL's cluster-wide
-- notify lock through its commit's flush).
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify();
