-- The gateway's own data: sessions and idempotency keys. No business data lives here.

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,          -- sha256 of the cookie value; the value is never stored
    user_id      uuid        NOT NULL,
    principal    jsonb       NOT NULL,       -- who signed in, as the directory said
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    refreshed_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE idempotency_keys (
    owner      text        NOT NULL,         -- the session's user, or the client address
    key        text        NOT NULL,
    request    bytea       NOT NULL,         -- sha256 of method, path and body
    status     integer,                      -- null while the first request is in flight
    response   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
