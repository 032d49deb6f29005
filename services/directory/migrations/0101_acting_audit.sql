-- Every attempt to act for a customer (administer its users or subscriptions), allowed or
-- refused, by a partner user under delegation or by the customer's own admin. Append-only:
-- the service only ever INSERTs here, and the trigger below refuses UPDATE and DELETE.
CREATE TABLE acting_audit (
    audit_id      uuid PRIMARY KEY,
    at            timestamptz NOT NULL,
    customer_id   uuid        NOT NULL,  -- no foreign key: an attempt on a missing one counts
    partner_id    uuid,                  -- null: the customer's own admin acted
    actor_user_id uuid        NOT NULL,
    action        text        NOT NULL,
    target_kind   text        NOT NULL CHECK (target_kind IN ('users', 'user', 'subscription')),
    target_id     uuid,
    details       jsonb       NOT NULL DEFAULT '{}',
    outcome       text        NOT NULL CHECK (outcome IN ('allowed', 'refused')),
    reason_code   text,                  -- the rejection code when refused
    reason        text,
    message_id    text,                  -- the command's ce_id (null for HTTP calls)
    CHECK ((outcome = 'allowed') = (reason_code IS NULL))
);
CREATE INDEX acting_audit_by_partner ON acting_audit (partner_id, at DESC, audit_id DESC)
    WHERE partner_id IS NOT NULL;
CREATE INDEX acting_audit_by_customer ON acting_audit (customer_id, at DESC, audit_id DESC);

CREATE FUNCTION acting_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'acting_audit is append-only';
END $$;
CREATE TRIGGER acting_audit_append_only BEFORE UPDATE OR DELETE ON acting_audit
    FOR EACH STATEMENT EXECUTE FUNCTION acting_audit_append_only();
