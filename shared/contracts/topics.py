"""Kafka topic names. Commands go to the owning service's commands topic; every service
publishes its events (and its rejections) to its own events topic.

``PORTAL_NAMESPACE`` (default ``portal``) prefixes every topic, so a test run or a benchmark
can share a broker with a running demo without either seeing the other's messages.
"""

import os

NAMESPACE = os.environ.get("PORTAL_NAMESPACE", "portal")

INVITATIONS_COMMANDS = f"{NAMESPACE}.invitations.commands"
INVITATIONS_EVENTS = f"{NAMESPACE}.invitations.events"
OFFERS_COMMANDS = f"{NAMESPACE}.offers.commands"
OFFERS_EVENTS = f"{NAMESPACE}.offers.events"
DELEGATION_COMMANDS = f"{NAMESPACE}.delegation.commands"
DELEGATION_EVENTS = f"{NAMESPACE}.delegation.events"
DIRECTORY_COMMANDS = f"{NAMESPACE}.directory.commands"
DIRECTORY_EVENTS = f"{NAMESPACE}.directory.events"
# The Subscription aggregate's events (created, converted, changed, ended) on a topic of their
# own since contract 2.0.0: the busiest events of a redemption, which most readers of the
# directory's events (customer views) have no use for. Rejections stay on DIRECTORY_EVENTS.
DIRECTORY_SUBSCRIPTIONS = f"{NAMESPACE}.directory.subscriptions"
NOTIFICATIONS_COMMANDS = f"{NAMESPACE}.notifications.commands"
NOTIFICATIONS_EVENTS = f"{NAMESPACE}.notifications.events"
DEAD_LETTER = f"{NAMESPACE}.deadletter"

ALL = (
    INVITATIONS_COMMANDS,
    INVITATIONS_EVENTS,
    OFFERS_COMMANDS,
    OFFERS_EVENTS,
    DELEGATION_COMMANDS,
    DELEGATION_EVENTS,
    DIRECTORY_COMMANDS,
    DIRECTORY_EVENTS,
    DIRECTORY_SUBSCRIPTIONS,
    NOTIFICATIONS_COMMANDS,
    NOTIFICATIONS_EVENTS,
    DEAD_LETTER,
)
