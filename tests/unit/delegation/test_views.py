"""The delegation service's read contracts: rows become the views the gateway relays (and the
customer's pages name), with states as of now; the access policy's answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.delegation import access, queries
from shared.cursor import Page
from shared.problems import Problem
from shared.views import delegation as views

NOW = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
PARTNER, CUSTOMER = uuid.uuid4(), uuid.uuid4()
BASE = "https://portal.example"

REQUEST_FIELDS = {
    "request_id", "partner_id", "customer_id", "role", "duration_seconds", "state",
    "source_kind", "source_id", "requested_by", "requested_at", "expires_at", "decided_at",
    "decided_by",
}  # fmt: skip


def request_row(**over: Any) -> dict[str, Any]:
    """As ``adapters.queries`` selects it (``REQUEST_COLUMNS``)."""
    request_id = uuid.uuid4()
    return {
        "request_id": request_id,
        "partner_id": PARTNER,
        "customer_id": CUSTOMER,
        "role": "limited",
        "source_kind": "standalone",
        "source_id": request_id,
        "requested_at": NOW - timedelta(days=1),
        "expires_at": NOW + timedelta(days=6),
        "duration": timedelta(days=90),
        "requested_by": uuid.uuid4(),
        "code": "d" * 32,
        "state": "pending",
        "decided_at": None,
        "decided_by": None,
    } | over


def relationship_row(**over: Any) -> dict[str, Any]:
    return {
        "relationship_id": uuid.uuid4(),
        "partner_id": PARTNER,
        "customer_id": CUSTOMER,
        "role": "full",
        "approved_by": uuid.uuid4(),
        "started_at": NOW - timedelta(days=1),
        "ends_at": None,
        "state": "active",
        "warned_at": None,
        "ended_at": None,
        "ended_by": None,
        "ended_by_party": None,
        "replaced_by": None,
    } | over


def test_the_partner_sees_a_request_with_the_url_to_send() -> None:
    dumped = queries.partner_request_view(request_row(), NOW, base_url=BASE).model_dump()
    assert set(dumped) == REQUEST_FIELDS | {"url"}
    assert dumped["url"].startswith(BASE)
    assert dumped["url"].endswith("d" * 32)
    assert dumped["duration_seconds"] == 90 * 86400
    no_code = queries.partner_request_view(request_row(code=None), NOW, base_url=BASE)
    assert no_code.url is None


def test_the_customer_sees_a_request_without_the_url_it_already_holds() -> None:
    dumped = queries.customer_request_view(request_row(duration=None), NOW).model_dump()
    assert set(dumped) == REQUEST_FIELDS
    assert dumped["duration_seconds"] is None


def test_states_as_of_now_before_the_sweep() -> None:
    late = request_row(expires_at=NOW)
    assert queries.customer_request_view(late, NOW).state == "expired"
    ended = relationship_row(ends_at=NOW)
    assert queries.relationship_view(ended, NOW).state == "expired"
    assert queries.relationship_view(relationship_row(), NOW).state == "active"


def test_a_relationship_view_keeps_its_columns() -> None:
    row = relationship_row()
    assert set(queries.relationship_view(row, NOW).model_dump()) == set(row)


def test_pages_and_counts() -> None:
    assert views.PartnerRequestPage is Page[views.PartnerRequest]
    assert views.CustomerRequestPage is Page[views.DelegationRequest]
    assert views.RelationshipPage is Page[views.Relationship]
    named = views.NamedRelationship(
        **queries.relationship_view(relationship_row(), NOW).model_dump(), partner_name="Fabrikam"
    )
    page = views.NamedRelationshipPage(items=[named], next_cursor=None)
    assert page.model_dump(mode="json")["items"][0]["partner_name"] == "Fabrikam"
    assert views.DelegationCounts(pending=1, active=2).model_dump() == {"pending": 1, "active": 2}


def test_a_reader_sees_its_own_and_another_partys_is_not_found() -> None:
    row = request_row()
    for reader in (access.Reader(), access.Reader(partner_id=PARTNER), access.Reader(
        customer_id=CUSTOMER
    )):  # fmt: skip
        access.require_request(row, reader)
        access.require_relationship(relationship_row(), reader)
    for reader in (access.Reader(partner_id=CUSTOMER), access.Reader(customer_id=PARTNER)):
        with pytest.raises(Problem) as foreign:
            access.require_request(row, reader)
        with pytest.raises(Problem) as missing:
            access.require_request(None, reader)
        assert (foreign.value.status, foreign.value.code, foreign.value.detail) == (
            404,
            missing.value.code,
            missing.value.detail,
        )
        with pytest.raises(Problem) as no_relationship:
            access.require_relationship(relationship_row(), reader)
        assert no_relationship.value.code == "relationship_not_found"
