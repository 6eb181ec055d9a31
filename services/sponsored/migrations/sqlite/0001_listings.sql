-- The category each product page targets, and advertisers' listings with their bids.
CREATE TABLE pages (product_id TEXT PRIMARY KEY, category TEXT NOT NULL);
CREATE TABLE listings (
    listing_id TEXT PRIMARY KEY, product_id TEXT NOT NULL, title TEXT NOT NULL, currency_code TEXT NOT NULL,
    price_units INTEGER NOT NULL, price_nanos INTEGER NOT NULL, advertiser_name TEXT NOT NULL,
    bid_micros INTEGER NOT NULL, category TEXT NOT NULL, placement TEXT NOT NULL
);
CREATE INDEX listings_by_bid ON listings (category, bid_micros DESC);
