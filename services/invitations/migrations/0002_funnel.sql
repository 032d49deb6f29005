-- The funnel of each invitation's link: page loads and accounts created from it
-- (redemptions are counted on invitations already). Nothing about who opened a link is kept.
CREATE TABLE funnel (
    invitation_id uuid    PRIMARY KEY REFERENCES invitations,
    opens         bigint  NOT NULL DEFAULT 0,
    sign_ups      integer NOT NULL DEFAULT 0
);

-- One account created from a link counts once, however often the gateway says so.
CREATE TABLE sign_ups (
    invitation_id uuid        NOT NULL REFERENCES invitations,
    customer_id   uuid        NOT NULL,
    signed_up_at  timestamptz NOT NULL,
    PRIMARY KEY (invitation_id, customer_id)
);

-- The customer's name, from the directory's CustomerRegistered, so a redemption list can
-- name it (customers registered before this migration keep a null name).
ALTER TABLE customers ADD COLUMN name text;
