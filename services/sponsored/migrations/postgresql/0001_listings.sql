-- The category each product page targets, and advertisers' listings with their bids.
-- IDs sort bytewise (COLLATE "C"), as in SQLite, whatever the server's default collation.
CREATE TABLE pages (product_id text COLLATE "C" PRIMARY KEY, category text NOT NULL);
CREATE TABLE listings (
    listing_id text COLLATE "C" PRIMARY KEY, product_id text NOT NULL, title text NOT NULL,
    currency_code text NOT NULL, price_units bigint NOT NULL, price_nanos integer NOT NULL,
    advertiser_name text NOT NULL, bid_micros bigint NOT NULL, category text NOT NULL, placement text NOT NULL
);
CREATE INDEX listings_by_bid ON listings (category, bid_micros DESC);
