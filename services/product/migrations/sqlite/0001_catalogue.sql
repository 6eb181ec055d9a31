-- The catalogue: one row per book and format, its authors and categories in order.
CREATE TABLE products (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, subtitle TEXT NOT NULL, description TEXT NOT NULL,
    currency_code TEXT NOT NULL, price_units INTEGER NOT NULL, price_nanos INTEGER NOT NULL,
    format TEXT NOT NULL, isbn TEXT NOT NULL, page_count INTEGER NOT NULL, published TEXT NOT NULL,
    image_url TEXT NOT NULL, language_code TEXT NOT NULL
);
CREATE TABLE product_authors (
    product_id TEXT NOT NULL REFERENCES products(id), position INTEGER NOT NULL, author_id TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);
CREATE TABLE product_categories (
    product_id TEXT NOT NULL REFERENCES products(id), position INTEGER NOT NULL, category TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);
CREATE INDEX product_categories_by_category ON product_categories (category, product_id);
