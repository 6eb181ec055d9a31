-- Co-views learnt from the bus's page-view events: the products each signed-in visitor viewed, how many
-- distinct visitors viewed both of two products, and the IDs of the events already applied (seconds
-- since the epoch), written in the same transaction as the counts they changed.
CREATE TABLE user_views (user_id TEXT NOT NULL, product_id TEXT NOT NULL, PRIMARY KEY (user_id, product_id));
CREATE TABLE coviews (
    product_id TEXT NOT NULL, other_id TEXT NOT NULL, viewers INTEGER NOT NULL,
    PRIMARY KEY (product_id, other_id)
);
CREATE INDEX coviews_by_count ON coviews (product_id, viewers DESC, other_id);
CREATE TABLE applied_events (event_id TEXT PRIMARY KEY, applied REAL NOT NULL);
CREATE INDEX applied_events_by_age ON applied_events (applied);
