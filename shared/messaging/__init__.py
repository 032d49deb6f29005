"""Kafka plumbing: CloudEvents headers, outbox and relay, inbox, and the consumer."""
