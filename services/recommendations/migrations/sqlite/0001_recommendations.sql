-- The products the recommender knows, its precomputed suggestions, and users' interests.
CREATE TABLE indexed_products (product_id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL);
CREATE INDEX indexed_products_by_category ON indexed_products (category, product_id);
CREATE TABLE related (
    product_id TEXT NOT NULL, rank INTEGER NOT NULL, recommended_id TEXT NOT NULL, title TEXT NOT NULL,
    score REAL NOT NULL, reason TEXT NOT NULL, explanation TEXT NOT NULL, PRIMARY KEY (product_id, rank)
);
CREATE TABLE user_interests (user_id TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (user_id, category));
