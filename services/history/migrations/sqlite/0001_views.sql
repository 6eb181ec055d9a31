-- The last time each user looked at each product.
CREATE TABLE views (
    user_id TEXT NOT NULL, product_id TEXT NOT NULL, title TEXT NOT NULL, viewed TEXT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX views_by_recency ON views (user_id, viewed DESC, product_id);
