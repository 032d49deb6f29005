CREATE TABLE partners (
    partner_id    uuid PRIMARY KEY,
    name          text        NOT NULL,
    phone         text        NOT NULL DEFAULT '',
    support_email text,
    address       text        NOT NULL DEFAULT '',
    website       text        NOT NULL DEFAULT '',
    registered_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    uuid        NOT NULL
);

CREATE TABLE customers (
    customer_id   uuid PRIMARY KEY,
    name          text        NOT NULL,
    domain        text        NOT NULL,
    contact_email text        NOT NULL,
    registered_at timestamptz NOT NULL,
    CONSTRAINT customers_domain_key UNIQUE (domain)
);

-- Partner and customer users alike: one e-mail signs in to exactly one account.
CREATE TABLE users (
    user_id              uuid PRIMARY KEY,
    company_kind         text        NOT NULL CHECK (company_kind IN ('partner', 'customer')),
    company_id           uuid        NOT NULL,
    email                text        NOT NULL,
    display_name         text        NOT NULL,
    password_hash        text        NOT NULL,
    company_role         text        NOT NULL CHECK (company_role IN ('none', 'global_admin',
                             'billing_admin', 'password_admin', 'service_admin',
                             'user_management_admin')),
    supported_access     text        NOT NULL DEFAULT 'none'
                             CHECK (supported_access IN ('none', 'full', 'limited')),
    must_change_password boolean     NOT NULL DEFAULT false,
    failed_sign_ins      integer     NOT NULL DEFAULT 0,
    locked_until         timestamptz,
    disabled_at          timestamptz,
    created_at           timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_by_company ON users (company_id, created_at, user_id);

CREATE TABLE subscriptions (
    subscription_id   uuid PRIMARY KEY,
    customer_id       uuid        NOT NULL REFERENCES customers,
    service_id        text        NOT NULL,
    seats             integer     NOT NULL CHECK (seats > 0),
    state             text        NOT NULL CHECK (state IN ('trial', 'active')),
    partner_of_record uuid        NOT NULL,
    trial_ends_at     timestamptz,
    source_kind       text        NOT NULL CHECK (source_kind IN ('trial_invitation', 'offer')),
    source_id         uuid        NOT NULL,
    created_at        timestamptz NOT NULL,
    -- One subscription per redemption, even if the redeemed event arrives twice under two ids.
    CONSTRAINT subscriptions_source_key UNIQUE (source_kind, source_id)
);
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id, created_at);
