-- The catalogue: one row per book and format, its authors and categories in order.
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE products (
    id text COLLATE "C" PRIMARY KEY, title text NOT NULL, subtitle text NOT NULL, description text NOT NULL,
    currency_code text NOT NULL, price_units bigint NOT NULL, price_nanos integer NOT NULL,
    format text NOT NULL, isbn text NOT NULL, page_count integer NOT NULL, published date NOT NULL,
    image_url text NOT NULL, language_code text NOT NULL
);
CREATE TABLE product_authors (
    product_id text COLLATE "C" NOT NULL REFERENCES products (id), position integer NOT NULL,
    author_id text NOT NULL, PRIMARY KEY (product_id, position)
);
CREATE TABLE product_categories (
    product_id text COLLATE "C" NOT NULL REFERENCES products (id), position integer NOT NULL,
    category text NOT NULL, PRIMARY KEY (product_id, position)
);
CREATE INDEX product_categories_by_category ON product_categories (category, product_id);
