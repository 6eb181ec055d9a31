-- Co-views learnt from the bus's page-view events: the products each signed-in visitor viewed, how many
-- distinct visitors viewed both of two products, and the IDs of the events already applied, written in
-- the same transaction as the counts they changed.
CREATE TABLE user_views (
    user_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL, PRIMARY KEY (user_id, product_id)
);
CREATE TABLE coviews (
    product_id text COLLATE "C" NOT NULL, other_id text COLLATE "C" NOT NULL, viewers integer NOT NULL,
    PRIMARY KEY (product_id, other_id)
);
CREATE INDEX coviews_by_count ON coviews (product_id, viewers DESC, other_id);
CREATE TABLE applied_events (event_id text COLLATE "C" PRIMARY KEY, applied timestamptz NOT NULL);
CREATE INDEX applied_events_by_age ON applied_events (applied);
