-- Reviews per product; a product the service knows may have none.
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE reviewed_products (product_id text COLLATE "C" PRIMARY KEY);
CREATE TABLE reviews (
    id text COLLATE "C" PRIMARY KEY,
    product_id text COLLATE "C" NOT NULL REFERENCES reviewed_products (product_id),
    reviewer_name text NOT NULL, rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5), title text NOT NULL,
    body text NOT NULL, created timestamptz NOT NULL, verified_purchase boolean NOT NULL,
    helpful_votes integer NOT NULL
);
CREATE INDEX reviews_by_helpfulness ON reviews (product_id, helpful_votes DESC, id);
CREATE INDEX reviews_by_age ON reviews (product_id, created DESC, id);
