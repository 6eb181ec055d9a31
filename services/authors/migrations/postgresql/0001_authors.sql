-- People who write books, and which books each wrote (in byline order).
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE authors (
    id text COLLATE "C" PRIMARY KEY, given_name text NOT NULL, family_name text NOT NULL,
    biography text NOT NULL, birth_date date NOT NULL, photo_url text NOT NULL
);
CREATE TABLE bylines (
    product_id text COLLATE "C" NOT NULL, position integer NOT NULL,
    author_id text COLLATE "C" NOT NULL REFERENCES authors (id), PRIMARY KEY (product_id, position)
);
CREATE INDEX bylines_by_author ON bylines (author_id, product_id);
