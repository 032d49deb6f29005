-- The subscription lifecycle: more states, licence assignments, and the redemption that
-- made a subscription paid.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_state_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_state_check
    CHECK (state IN ('trial', 'active', 'suspended', 'cancelled', 'expired'));

-- An offer redemption creates one subscription per line: the creating source is unique
-- per service, not per redemption.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_source_key;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_source_key
    UNIQUE (source_kind, source_id, service_id);

-- The offer redemption that made the subscription paid (by creating it, or by converting a
-- trial). Unique per service: a redelivered redemption, under any message id, finds its
-- line already applied and changes nothing.
ALTER TABLE subscriptions ADD COLUMN paid_source_id uuid;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_paid_source_key
    UNIQUE (paid_source_id, service_id);
ALTER TABLE subscriptions ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- The sweep looks for trials whose end passed.
CREATE INDEX subscriptions_trials_by_end ON subscriptions (trial_ends_at)
    WHERE state = 'trial';
CREATE INDEX subscriptions_convertible ON subscriptions (customer_id, service_id)
    WHERE state IN ('trial', 'expired');

CREATE TABLE licence_assignments (
    subscription_id uuid        NOT NULL REFERENCES subscriptions,
    user_id         uuid        NOT NULL REFERENCES users,
    assigned_by     uuid        NOT NULL,
    assigned_at     timestamptz NOT NULL,
    PRIMARY KEY (subscription_id, user_id)
);
CREATE INDEX licence_assignments_by_user ON licence_assignments (user_id);
-- Newest first when a conversion to fewer licences releases some.
CREATE INDEX licence_assignments_by_age ON licence_assignments (subscription_id, assigned_at);
