-- A lifecycle message may name a partner's webhook endpoint (the sender disabled it).
ALTER TABLE mail_requests DROP CONSTRAINT mail_requests_subject_kind_check;
ALTER TABLE mail_requests ADD CONSTRAINT mail_requests_subject_kind_check CHECK (
    subject_kind IN ('invitation', 'offer', 'delegation_request',
                     'delegation', 'service_request', 'subscription', 'webhook_endpoint'));
