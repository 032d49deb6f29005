-- Lifecycle e-mails (issue 14): who to tell, learnt from the directory's and the delegation
-- service's events (never their tables), and the trials to warn about.

-- Partners and customers: names and the partner's public support details.
CREATE TABLE recipient_companies (
    company_id    uuid PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('partner', 'customer')),
    name          text NOT NULL,
    phone         text,
    support_email text,
    website       text
);

-- Users and their admin role in their own company; disabled users are told nothing.
CREATE TABLE recipient_users (
    user_id    uuid PRIMARY KEY,
    company_id uuid    NOT NULL,
    email      text    NOT NULL,
    role       text    NOT NULL,
    active     boolean NOT NULL DEFAULT true
);
CREATE INDEX recipient_users_by_company ON recipient_users (company_id) WHERE active;

-- Service requests: which partner handles them, their title and who opened them.
CREATE TABLE recipient_service_requests (
    request_id  uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    partner_id  uuid NOT NULL,
    title       text NOT NULL,
    created_by  uuid NOT NULL
);

-- Trials, to warn both sides once before they end.
CREATE TABLE trial_subscriptions (
    subscription_id uuid PRIMARY KEY,
    customer_id     uuid        NOT NULL,
    partner_id      uuid        NOT NULL,
    service_id      text        NOT NULL,
    trial_ends_at   timestamptz NOT NULL,
    state           text        NOT NULL DEFAULT 'trial',
    warned_at       timestamptz
);
CREATE INDEX trial_subscriptions_due ON trial_subscriptions (trial_ends_at)
    WHERE state = 'trial' AND warned_at IS NULL;

-- A lifecycle message has no sender and names a relationship, a service request or a
-- subscription; ``template`` says which message it is ('link' for a partner's link).
ALTER TABLE mail_requests ALTER COLUMN sent_by DROP NOT NULL;
ALTER TABLE mail_requests ADD COLUMN template text NOT NULL DEFAULT 'link';
ALTER TABLE mail_requests DROP CONSTRAINT mail_requests_subject_kind_check;
ALTER TABLE mail_requests ADD CONSTRAINT mail_requests_subject_kind_check CHECK (
    subject_kind IN ('invitation', 'offer', 'delegation_request',
                     'delegation', 'service_request', 'subscription'));
