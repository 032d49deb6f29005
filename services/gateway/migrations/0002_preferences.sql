-- The gateway's own per-user settings: the portal's language, applied at the next sign-in
-- from any browser. Keyed by the directory's user id; no business data.

CREATE TABLE user_preferences (
    user_id    uuid PRIMARY KEY,
    language   text        NOT NULL CHECK (language IN ('en', 'it')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
