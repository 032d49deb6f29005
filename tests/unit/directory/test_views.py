"""The directory's view models at the service edge: a query's row (asyncpg types: UUID,
datetime) becomes the view, and the JSON keeps the field names the gateway, its security
dependency and the web pages read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, ValidationError

from shared.cursor import Cursor
from shared.views import directory as views

T0 = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def _json(model: type[BaseModel], row: dict[str, Any]) -> dict[str, Any]:
    """The row as the view's JSON; every column of the row is kept under its own name."""
    dumped = model.model_validate(row).model_dump(mode="json")
    assert set(dumped) == set(row), set(dumped) ^ set(row)
    return dumped


def user_row(**over: Any) -> dict[str, Any]:
    """As ``adapters.queries.USER_VIEW_COLUMNS`` selects it."""
    return {
        "user_id": uuid4(),
        "company_kind": "partner",
        "company_id": uuid4(),
        "email": "ada@acme.example",
        "display_name": "Ada",
        "company_role": "global_admin",
        "supported_access": "full",
        "must_change_password": False,
        "locked_until": None,
        "disabled_at": None,
        "created_at": T0,
    } | over


def subscription_row() -> dict[str, Any]:
    return {
        "subscription_id": uuid4(),
        "customer_id": uuid4(),
        "service_id": "intune",
        "seats": 10,
        "state": "trial",
        "partner_of_record": uuid4(),
        "trial_ends_at": T0 + timedelta(days=30),
        "source_kind": "trial_invitation",
        "source_id": uuid4(),
        "created_at": T0,
    }


def request_row() -> dict[str, Any]:
    return {
        "request_id": uuid4(),
        "customer_id": uuid4(),
        "partner_id": uuid4(),
        "title": "Mail is down",
        "description": "Since 9:00",
        "severity": "high",
        "contact_name": "Ada",
        "contact_email": None,
        "state": "open",
        "created_by": uuid4(),
        "created_at": T0,
        "updated_at": T0,
    }


def audit_row(**over: Any) -> dict[str, Any]:
    return {
        "audit_id": uuid4(),
        "at": T0,
        "customer_id": uuid4(),
        "customer_name": None,
        "partner_id": uuid4(),
        "partner_name": "Acme IT",
        "actor_user_id": uuid4(),
        "actor_name": "Bob",
        "actor_email": "bob@acme.example",
        "action": "disable_user",
        "target_kind": "user",
        "target_id": uuid4(),
        "details": {"user_id": str(uuid4())},
        "outcome": "refused",
        "reason_code": "no_active_delegation",
        "reason": "No delegation.",
    } | over


def test_the_internal_user_keeps_what_the_gateway_security_reads() -> None:
    row = user_row(disabled_at=T0)
    dumped = _json(views.User, row)
    for name in (
        "user_id",
        "company_kind",
        "company_id",
        "email",
        "display_name",
        "company_role",
        "supported_access",
        "must_change_password",
        "disabled_at",
    ):
        assert name in dumped
    assert dumped["user_id"] == str(row["user_id"])
    assert dumped["disabled_at"] is not None


def test_a_view_never_carries_a_password_hash() -> None:
    assert "password_hash" not in views.User.model_fields
    dumped = views.User.model_validate(user_row(password_hash="$argon2...")).model_dump()
    assert "password_hash" not in dumped


def test_signed_in_is_the_session_principal() -> None:
    row = {k: v for k, v in user_row().items() if k not in ("locked_until", "created_at")}
    row.pop("disabled_at")
    dumped = _json(views.SignedIn, row)
    assert dumped["must_change_password"] is False


def test_partner_and_its_public_face() -> None:
    partner = {
        "partner_id": uuid4(),
        "name": "Acme IT",
        "phone": "",
        "support_email": None,
        "address": "",
        "website": "https://acme.example",
        "registered_at": T0,
        "updated_at": T0,
        "updated_by": uuid4(),
    }
    _json(views.Partner, partner)
    public = {k: partner[k] for k in views.PublicPartner.model_fields}
    assert "updated_by" not in _json(views.PublicPartner, public)


def test_partner_counts() -> None:
    assert _json(views.PartnerCounts, {"customers": 3, "open_service_requests": 1}) == {
        "customers": 3,
        "open_service_requests": 1,
    }


def test_customer_search_page_has_the_opaque_cursor() -> None:
    customer_id = uuid4()
    item = {
        "customer_id": customer_id,
        "name": "Contoso",
        "domain": "contoso.example",
        "contact_email": "it@contoso.example",
        "registered_at": T0,
        "partner_of_record": True,
        "delegation_role": None,
    }
    cursor = Cursor("contoso", customer_id).encode()
    dumped = _json(views.CustomerPage, {"items": [item], "next_cursor": cursor})
    assert dumped["next_cursor"] == cursor
    assert set(dumped["items"][0]) >= {"name", "domain", "contact_email", "partner_of_record"}


def test_customer_detail_as_its_partner_sees_it() -> None:
    detail = {
        "customer_id": uuid4(),
        "name": "Contoso",
        "domain": "contoso.example",
        "contact_email": "it@contoso.example",
        "registered_at": T0,
        "partner_of_record": False,
        "delegation": {"relationship_id": uuid4(), "role": "limited", "approved_at": T0},
        "subscriptions": [
            subscription_row() | {"paid_source_id": None, "updated_at": T0, "assigned": 3}
        ],
        "users": [user_row(company_kind="customer", supported_access="none")],
        "service_requests": [request_row()],
    }
    dumped = _json(views.CustomerDetail, detail)
    assert dumped["delegation"]["role"] == "limited"
    assert dumped["subscriptions"][0]["assigned"] == 3  # the page shows "3 of N assigned"
    assert dumped["users"][0]["company_kind"] == "customer"


def test_licences_and_assignments() -> None:
    row = subscription_row() | {"paid_source_id": None, "updated_at": T0, "assigned": 2}
    assert _json(views.Licences, row)["assigned"] == 2
    assignment = {
        "user_id": uuid4(),
        "email": "ada@contoso.example",
        "display_name": "Ada",
        "assigned_by": uuid4(),
        "assigned_at": T0,
    }
    _json(views.Assignment, assignment)


def test_service_request_with_its_notes() -> None:
    note = {
        "note_id": uuid4(),
        "author_user_id": uuid4(),
        "author_kind": "customer",
        "body": "Still down",
        "added_at": T0,
    }
    dumped = _json(views.ServiceRequestWithNotes, request_row() | {"notes": [note]})
    assert dumped["notes"][0]["author_kind"] == "customer"
    with pytest.raises(ValidationError):
        views.ServiceRequest.model_validate(request_row() | {"state": "lost"})


def test_audit_page_pages_by_cursor_not_before() -> None:
    row = audit_row()
    cursor = Cursor(row["at"], row["audit_id"]).encode()
    dumped = _json(views.AuditPage, {"items": [row], "next_cursor": cursor})
    assert "next_before" not in dumped
    assert Cursor.decode(dumped["next_cursor"]) == Cursor(T0, UUID(dumped["items"][0]["audit_id"]))
    record = dumped["items"][0]
    for name in ("at", "action", "outcome", "actor_name", "actor_email", "reason_code"):
        assert name in record


def test_a_refused_attempt_on_another_partners_customer_names_nothing() -> None:
    dumped = _json(views.AuditRecord, audit_row(customer_name=None, outcome="refused"))
    assert dumped["customer_name"] is None
