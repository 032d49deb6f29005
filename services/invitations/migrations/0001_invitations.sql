CREATE TABLE invitations (
    invitation_id   uuid PRIMARY KEY,
    partner_id      uuid        NOT NULL,
    created_by      uuid        NOT NULL,
    code            text        NOT NULL UNIQUE,
    service_id      text        NOT NULL,
    seats           integer     NOT NULL CHECK (seats > 0),
    trial_days      integer     NOT NULL,
    delegation_role text        CHECK (delegation_role IN ('full', 'limited')),
    expires_at      timestamptz,
    max_redemptions integer     CHECK (max_redemptions > 0),
    redemptions     integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_by      uuid
);
CREATE INDEX invitations_by_partner ON invitations (partner_id, created_at DESC, invitation_id);

CREATE TABLE redemptions (
    redemption_id uuid PRIMARY KEY,
    invitation_id uuid        NOT NULL REFERENCES invitations,
    customer_id   uuid        NOT NULL,
    service_id    text        NOT NULL,
    redeemed_by   uuid        NOT NULL,
    redeemed_at   timestamptz NOT NULL,
    -- One trial per service per customer, whichever partner invited it.
    UNIQUE (customer_id, service_id)
);
CREATE INDEX redemptions_by_invitation ON redemptions (invitation_id);

-- Local copies fed by other services' events (never their tables).
CREATE TABLE catalogue (
    service_id      text PRIMARY KEY,
    name            text    NOT NULL,
    trial_days      integer,
    trial_max_seats integer
);

CREATE TABLE customers (
    customer_id uuid PRIMARY KEY
);
