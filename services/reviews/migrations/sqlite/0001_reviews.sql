-- Reviews per product; a product the service knows may have none.
CREATE TABLE reviewed_products (product_id TEXT PRIMARY KEY);
CREATE TABLE reviews (
    id TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES reviewed_products(product_id),
    reviewer_name TEXT NOT NULL, rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), title TEXT NOT NULL,
    body TEXT NOT NULL, created TEXT NOT NULL, verified_purchase INTEGER NOT NULL,
    helpful_votes INTEGER NOT NULL
);
CREATE INDEX reviews_by_helpfulness ON reviews (product_id, helpful_votes DESC, id);
CREATE INDEX reviews_by_age ON reviews (product_id, created DESC, id);
