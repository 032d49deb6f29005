-- Failed sign-ins with an e-mail address no user has, counted exactly like a user's
-- (slow-down, then lockout) and in the same kind of committed write, so that neither the
-- answers (401, 423 with its Retry-After) nor their timing tell a missing account from a
-- wrong password. Operators read password spraying from it. The address itself is not
-- kept, only the SHA-256 of its lower-cased form.
CREATE TABLE unknown_sign_ins (
    email_digest    bytea       PRIMARY KEY,
    failed_sign_ins integer     NOT NULL,
    locked_until    timestamptz,
    first_at        timestamptz NOT NULL,
    last_at         timestamptz NOT NULL
);
