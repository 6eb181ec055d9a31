-- People who write books, and which books each wrote (in byline order).
CREATE TABLE authors (
    id TEXT PRIMARY KEY, given_name TEXT NOT NULL, family_name TEXT NOT NULL, biography TEXT NOT NULL,
    birth_date TEXT NOT NULL, photo_url TEXT NOT NULL
);
CREATE TABLE bylines (
    product_id TEXT NOT NULL, position INTEGER NOT NULL, author_id TEXT NOT NULL REFERENCES authors(id),
    PRIMARY KEY (product_id, position)
);
CREATE INDEX bylines_by_author ON bylines (author_id, product_id);
