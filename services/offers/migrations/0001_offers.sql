-- The catalogue: the offers service owns it; others learn it from CatalogueServicePublished.
CREATE TABLE catalogue (
    service_id      text PRIMARY KEY,
    name            text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    licence_unit    text        NOT NULL DEFAULT 'user',
    min_seats       integer     NOT NULL CHECK (min_seats > 0),
    max_seats       integer     NOT NULL CHECK (max_seats >= min_seats),
    trial_days      integer     CHECK (trial_days > 0),
    trial_max_seats integer     CHECK (trial_max_seats > 0 AND trial_max_seats <= max_seats),
    on_sale         boolean     NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((trial_days IS NULL) = (trial_max_seats IS NULL))
);

-- Lines are a value of the offer ([{service_id, quantity, min_quantity, max_quantity}]).
CREATE TABLE offers (
    offer_id                       uuid PRIMARY KEY,
    partner_id                     uuid        NOT NULL,
    created_by                     uuid        NOT NULL,
    code                           text        NOT NULL UNIQUE,
    lines                          jsonb       NOT NULL,
    delegation_role                text        CHECK (delegation_role IN ('full', 'limited')),
    expires_at                     timestamptz,
    customer_may_change_quantities boolean     NOT NULL,
    replaces_offer_id              uuid        REFERENCES offers,
    created_at                     timestamptz NOT NULL,
    redemptions                    integer     NOT NULL DEFAULT 0,
    withdrawn_at                   timestamptz,
    withdrawn_by                   uuid
);
CREATE INDEX offers_by_partner ON offers (partner_id, created_at DESC, offer_id);
CREATE INDEX offers_by_replaced ON offers (replaces_offer_id) WHERE replaces_offer_id IS NOT NULL;

-- Lines with the final quantities ([{service_id, quantity}]).
CREATE TABLE redemptions (
    redemption_id uuid PRIMARY KEY,
    offer_id      uuid        NOT NULL REFERENCES offers,
    customer_id   uuid        NOT NULL,
    redeemed_by   uuid        NOT NULL,
    lines         jsonb       NOT NULL,
    redeemed_at   timestamptz NOT NULL,
    -- One purchase per customer per offer.
    UNIQUE (offer_id, customer_id)
);
CREATE INDEX redemptions_by_customer ON redemptions (customer_id, redeemed_at);

-- Local copy fed by the directory's events (never its tables).
CREATE TABLE customers (
    customer_id uuid PRIMARY KEY
);
