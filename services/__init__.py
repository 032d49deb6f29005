"""The Partner Portal services; each owns its schema and talks to the others over Kafka only."""
