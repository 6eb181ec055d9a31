-- The IDs of bus events already applied, so a redelivered event changes nothing; written in the same
-- transaction as the views the event changed.
CREATE TABLE applied_events (event_id text COLLATE "C" PRIMARY KEY, applied timestamptz NOT NULL);
CREATE INDEX applied_events_by_age ON applied_events (applied);
