-- Failed sign-ins with an e-mail address no user has. Written in the same kind of
-- committed transaction as a wrong password's failure count, so both answers cost the same
-- (no user enumeration by timing); operators read password spraying from it. The address
-- itself is not kept, only its SHA-256 (lower-cased).
CREATE TABLE unknown_sign_ins (
    email_digest bytea       PRIMARY KEY,
    attempts     bigint      NOT NULL,
    first_at     timestamptz NOT NULL,
    last_at      timestamptz NOT NULL
);
