-- One Subscription aggregate, one writer (issue 13): trial invitations and offer purchases
-- now reach it through one consumer group, `directory.events`, instead of `directory.events`
-- (trials) and `directory.offer-events` (purchases).

-- The new group reads the offers topic from its start. Every offer message the old group
-- already applied is claimed for the new one, so a replayed purchase (or a replayed bad
-- one, which was answered with a rejection) is recognised as a duplicate and has no second
-- effect. Lines are also guarded by `subscriptions_paid_source_key` whatever the inbox says.
INSERT INTO inbox (consumer, message_id)
SELECT 'directory.events', message_id FROM inbox WHERE consumer = 'directory.offer-events'
ON CONFLICT DO NOTHING;

-- A purchase's partner is partner of record of what it bought, as a trial's partner always
-- was: the offers path had not put it in the partner's reach.
INSERT INTO partner_customers (partner_id, customer_id, partner_of_record)
SELECT DISTINCT partner_of_record, customer_id, true FROM subscriptions
ON CONFLICT (partner_id, customer_id) DO UPDATE SET partner_of_record = true
WHERE NOT partner_customers.partner_of_record;
