-- The funnel of each offer's link: page loads and accounts created from it (purchases are
-- counted on offers already). Nothing about who opened a link is kept.
CREATE TABLE funnel (
    offer_id uuid    PRIMARY KEY REFERENCES offers,
    opens    bigint  NOT NULL DEFAULT 0,
    sign_ups integer NOT NULL DEFAULT 0
);

-- One account created from a link counts once, however often the gateway says so.
CREATE TABLE sign_ups (
    offer_id     uuid        NOT NULL REFERENCES offers,
    customer_id  uuid        NOT NULL,
    signed_up_at timestamptz NOT NULL,
    PRIMARY KEY (offer_id, customer_id)
);

-- The customer's name, from the directory's CustomerRegistered, so a purchase list can name
-- it (customers registered before this migration keep a null name).
ALTER TABLE customers ADD COLUMN name text;
