-- A partner's request to send one link to some recipients: the message, written once.
CREATE TABLE mail_requests (
    request_id     uuid PRIMARY KEY,
    partner_id     uuid        NOT NULL,
    sent_by        uuid        NOT NULL,
    subject_kind   text        NOT NULL
                   CHECK (subject_kind IN ('invitation', 'offer', 'delegation_request')),
    subject_id     uuid        NOT NULL,
    language       text        NOT NULL CHECK (language IN ('en', 'it')),
    subject        text        NOT NULL,
    text_body      text        NOT NULL,
    html_body      text        NOT NULL,
    reply_to       text,
    correlation_id text        NOT NULL,
    created_at     timestamptz NOT NULL
);

-- One message to one recipient. status: queued -> sending -> sent | queued (retry) | failed.
-- A 'sending' row whose lease ran out was being sent by a copy that died: it is queued again.
CREATE TABLE deliveries (
    delivery_id     uuid PRIMARY KEY,
    request_id      uuid        NOT NULL REFERENCES mail_requests,
    recipient       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    UNIQUE (request_id, recipient)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'sending';
CREATE INDEX mail_requests_by_subject ON mail_requests (subject_id, partner_id, created_at DESC);
