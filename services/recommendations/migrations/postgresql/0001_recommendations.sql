-- The products the recommender knows, its precomputed suggestions, and users' interests.
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE indexed_products (
    product_id text COLLATE "C" PRIMARY KEY, title text NOT NULL, category text NOT NULL
);
CREATE INDEX indexed_products_by_category ON indexed_products (category, product_id);
CREATE TABLE related (
    product_id text COLLATE "C" NOT NULL, rank integer NOT NULL, recommended_id text NOT NULL,
    title text NOT NULL, score double precision NOT NULL, reason text NOT NULL, explanation text NOT NULL,
    PRIMARY KEY (product_id, rank)
);
CREATE TABLE user_interests (
    user_id text COLLATE "C" NOT NULL, category text NOT NULL, PRIMARY KEY (user_id, category)
);
