CREATE TABLE service_requests (
    request_id    uuid PRIMARY KEY,
    customer_id   uuid        NOT NULL REFERENCES customers,
    partner_id    uuid        NOT NULL,
    title         text        NOT NULL,
    description   text        NOT NULL DEFAULT '',
    severity      text        NOT NULL CHECK (severity IN ('critical', 'high', 'normal', 'low')),
    contact_name  text        NOT NULL DEFAULT '',
    contact_email text,
    state         text        NOT NULL CHECK (state IN ('open', 'in_progress',
                                  'waiting_on_customer', 'resolved', 'closed')),
    created_by    uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX service_requests_by_customer ON service_requests (customer_id, created_at DESC);
CREATE INDEX service_requests_by_partner ON service_requests (partner_id, state, created_at DESC);

CREATE TABLE service_request_notes (
    note_id        uuid PRIMARY KEY,
    request_id     uuid        NOT NULL REFERENCES service_requests,
    author_user_id uuid        NOT NULL,
    author_kind    text        NOT NULL CHECK (author_kind IN ('partner', 'customer')),
    body           text        NOT NULL,
    added_at       timestamptz NOT NULL
);
CREATE INDEX service_request_notes_by_request ON service_request_notes (request_id, added_at);
