CREATE TABLE requests (
    request_id   uuid PRIMARY KEY,
    partner_id   uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('full', 'limited')),
    source_kind  text        NOT NULL
        CHECK (source_kind IN ('trial_invitation', 'offer', 'standalone')),
    source_id    uuid        NOT NULL,
    requested_by uuid,
    duration     interval    CHECK (duration > interval '0'),
    code         text UNIQUE,
    state        text        NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'declined', 'expired')),
    requested_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    decided_at   timestamptz,
    decided_by   uuid,
    -- One request per redemption (or per standalone offer), however often its event arrives.
    UNIQUE (source_kind, source_id)
);
CREATE INDEX requests_by_customer ON requests (customer_id, requested_at DESC);
CREATE INDEX requests_by_partner ON requests (partner_id, requested_at DESC);
CREATE INDEX requests_pending_expiry ON requests (expires_at) WHERE state = 'pending';

CREATE TABLE relationships (
    relationship_id uuid PRIMARY KEY REFERENCES requests (request_id),
    partner_id      uuid        NOT NULL,
    customer_id     uuid        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('full', 'limited')),
    approved_by     uuid        NOT NULL,
    started_at      timestamptz NOT NULL,
    ends_at         timestamptz,
    warned_at       timestamptz,
    state           text        NOT NULL DEFAULT 'active'
        CHECK (state IN ('active', 'revoked', 'expired', 'replaced')),
    ended_at        timestamptz,
    ended_by        uuid,
    ended_by_party  text CHECK (ended_by_party IN ('customer', 'partner')),
    replaced_by     uuid
);
-- At most one active relationship per (partner, customer), whatever the code does.
CREATE UNIQUE INDEX relationships_one_active ON relationships (partner_id, customer_id)
    WHERE state = 'active';
CREATE INDEX relationships_by_customer ON relationships (customer_id, started_at DESC);
CREATE INDEX relationships_by_partner ON relationships (partner_id, started_at DESC);
CREATE INDEX relationships_ending ON relationships (ends_at)
    WHERE state = 'active' AND ends_at IS NOT NULL;

-- Local view fed by the directory's events (never its tables).
CREATE TABLE customers (
    customer_id uuid PRIMARY KEY
);

CREATE TABLE customer_admins (
    customer_id uuid NOT NULL,
    user_id     uuid NOT NULL,
    PRIMARY KEY (customer_id, user_id)
);
