"""A ``ServiceSpec`` names a service; the skeleton every service shares follows from the name:
its commands group on its commands topic first, its events topic, its migrations folder."""

from __future__ import annotations

import pytest

from shared.contracts import topics
from shared.messaging.consumer import Routes
from shared.runtime import ServiceSpec
from tools.asyncapi.document import service_specs

SPECS = {spec.name: spec for spec in service_specs()}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_topics_groups_and_migrations_follow_from_the_name(name: str) -> None:
    spec = SPECS[name]
    upper = name.upper()
    assert spec.commands_topic == getattr(topics, f"{upper}_COMMANDS")
    assert spec.events_topic == getattr(topics, f"{upper}_EVENTS")
    commands, *reads = spec.subscriptions
    assert (commands.name, list(commands.topics)) == ("commands", [spec.commands_topic])
    assert commands.routes is spec.commands
    assert reads == list(spec.reads)
    assert sorted(spec.migrations.glob("0001_*.sql")), spec.migrations


def test_every_consumer_group_of_a_service_has_its_own_name() -> None:
    for spec in SPECS.values():
        names = [sub.name for sub in spec.subscriptions]
        assert len(names) == len(set(names)), spec.name


def test_a_spec_names_only_what_differs() -> None:
    spec = ServiceSpec(name="unit", description="", commands=Routes())
    assert spec.events_topic == f"{topics.NAMESPACE}.unit.events"
    assert [s.description for s in spec.subscriptions] == ["Commands to the unit service."]
