-- The last time each user looked at each product.
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE views (
    user_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL, title text NOT NULL,
    viewed timestamptz NOT NULL, PRIMARY KEY (user_id, product_id)
);
CREATE INDEX views_by_recency ON views (user_id, viewed DESC, product_id);
