-- The IDs of bus events already applied (seconds since the epoch), so a redelivered event changes
-- nothing; written in the same transaction as the views the event changed.
CREATE TABLE applied_events (event_id TEXT PRIMARY KEY, applied REAL NOT NULL);
CREATE INDEX applied_events_by_age ON applied_events (applied);
