-- Partner webhooks: the endpoints a partner's Global admin registers, one delivery per event
-- and endpoint, and every attempt of each.

-- event_types: the ce_types chosen; empty means every type a partner may receive.
-- secret signs every delivery; during a rotation's grace period previous_secret signs too
-- (until previous_secret_until). A disabled endpoint gets nothing new.
CREATE TABLE webhook_endpoints (
    endpoint_id           uuid PRIMARY KEY,
    partner_id            uuid        NOT NULL,
    url                   text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    event_types           text[]      NOT NULL DEFAULT '{}',
    secret                text        NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_at           timestamptz,
    disabled_reason       text,
    consecutive_failures  integer     NOT NULL DEFAULT 0,
    failing_since         timestamptz,
    created_by            uuid        NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_by_partner ON webhook_endpoints (partner_id, created_at);

-- One event to one endpoint; delivery_id is the webhook-id, the same on every attempt.
-- status: pending -> sending -> delivered | pending (retry) | failed. A redeliver makes a
-- delivered or failed row pending again (same id, one more attempt).
CREATE TABLE webhook_deliveries (
    delivery_id      uuid PRIMARY KEY,
    endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
    partner_id       uuid        NOT NULL,
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    body             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    lease_until      timestamptz,
    last_http_status integer,
    last_response_ms integer,
    last_error       text,
    correlation_id   text        NOT NULL,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until)
    WHERE status = 'sending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, created_at DESC);

CREATE TABLE webhook_attempts (
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    http_status  integer,
    response_ms  integer,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);
