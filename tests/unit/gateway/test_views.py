"""The gateway's response models accept the JSON the services send (field names copied from
the services' queries and views) and keep the names the web pages read."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from pydantic import BaseModel

from shared.contracts.directory import CustomerRegistered
from shared.views import delegation, directory, gateway, invitations, offers

T0 = "2026-12-02T13:00:00.123456Z"
T1 = "2026-12-09T13:00:00Z"


def _id() -> str:
    return str(uuid4())


def user_json(**over: Any) -> dict[str, Any]:
    """As ``queries.company_users`` / ``queries.user`` select them (USER_VIEW_COLUMNS)."""
    return {
        "user_id": _id(),
        "company_kind": "customer",
        "company_id": _id(),
        "email": "ada@example.com",
        "display_name": "Ada",
        "company_role": "global_admin",
        "supported_access": "none",
        "must_change_password": False,
        "locked_until": None,
        "disabled_at": None,
        "created_at": T0,
    } | over


def subscription_json() -> dict[str, Any]:
    return {
        "subscription_id": _id(),
        "customer_id": _id(),
        "service_id": "mail",
        "seats": 10,
        "state": "trial",
        "partner_of_record": _id(),
        "trial_ends_at": T1,
        "source_kind": "trial_invitation",
        "source_id": _id(),
        "created_at": T0,
    }


def service_request_json() -> dict[str, Any]:
    return {
        "request_id": _id(),
        "customer_id": _id(),
        "partner_id": _id(),
        "title": "Mail is down",
        "description": "",
        "severity": "high",
        "contact_name": "",
        "contact_email": None,
        "state": "open",
        "created_by": _id(),
        "created_at": T0,
        "updated_at": T0,
    }


def public_partner_json() -> dict[str, Any]:
    return {
        "partner_id": _id(),
        "name": "Acme IT",
        "phone": "",
        "support_email": None,
        "website": "",
        "address": "",
    }


def offered_line_json() -> dict[str, Any]:
    return {
        "service_id": "mail",
        "name": "Mail",
        "description": "",
        "licence_unit": "user",
        "on_sale": True,
        "quantity": 5,
        "min_quantity": 5,
        "max_quantity": 5,
    }


def request_json() -> dict[str, Any]:
    """As ``delegation.adapters.queries.request_view`` builds it."""
    return {
        "request_id": _id(),
        "partner_id": _id(),
        "customer_id": _id(),
        "role": "full",
        "duration_seconds": None,
        "state": "pending",
        "source_kind": "standalone",
        "source_id": _id(),
        "requested_by": _id(),
        "requested_at": T0,
        "expires_at": T1,
        "decided_at": None,
        "decided_by": None,
    }


def relationship_json() -> dict[str, Any]:
    return {
        "relationship_id": _id(),
        "partner_id": _id(),
        "customer_id": _id(),
        "role": "limited",
        "approved_by": _id(),
        "started_at": T0,
        "ends_at": None,
        "state": "active",
        "warned_at": None,
        "ended_at": None,
        "ended_by": None,
        "ended_by_party": None,
        "replaced_by": None,
    }


def _page(model: type[BaseModel], items: list[dict[str, Any]], after: Any) -> dict[str, Any]:
    """A list page with the cursor field the model has (``next_cursor`` once a list moved to
    the opaque cursor, ``next_before`` until then)."""
    key = "next_cursor" if "next_cursor" in model.model_fields else "next_before"
    return {"items": items, key: after}


def _keeps(model: type[BaseModel], sample: dict[str, Any]) -> dict[str, Any]:
    """Validated, and dumped again with exactly the sample's field names."""
    dumped = model.model_validate(sample).model_dump(mode="json")
    assert set(dumped) == set(sample), set(dumped) ^ set(sample)
    return dumped


def test_directory_views() -> None:
    _keeps(
        directory.Partner,
        public_partner_json() | {"registered_at": T0, "updated_at": T0, "updated_by": _id()},
    )
    _keeps(directory.PublicPartner, public_partner_json())
    _keeps(directory.User, user_json())
    _keeps(directory.CreatedUser, user_json(temporary_password="s3cret-once"))
    _keeps(directory.PasswordReset, {"user_id": _id(), "temporary_password": "x"})
    _keeps(directory.Subscription, subscription_json())
    licences = subscription_json() | {"paid_source_id": None, "updated_at": T0, "assigned": 3}
    assert _keeps(directory.Licences, licences)["assigned"] == 3
    _keeps(
        directory.Assignment,
        {
            "user_id": _id(),
            "email": "a@b.example",
            "display_name": "A",
            "assigned_by": _id(),
            "assigned_at": T0,
        },
    )
    customer = {
        "customer_id": _id(),
        "name": "Globex",
        "domain": "globex.example",
        "contact_email": "it@globex.example",
        "registered_at": T0,
    }
    page = {
        "items": [customer | {"partner_of_record": True, "delegation_role": None}],
        "next_cursor": "opaque",
    }
    assert _keeps(directory.CustomerPage, page)["next_cursor"] == "opaque"
    detail = customer | {
        "partner_of_record": False,
        "delegation": {"relationship_id": _id(), "role": "full", "approved_at": T0},
        "subscriptions": [
            subscription_json() | {"paid_source_id": None, "updated_at": T0, "assigned": 1}
        ],
        "users": [user_json()],
        "service_requests": [service_request_json()],
    }
    assert _keeps(directory.CustomerDetail, detail)["delegation"]["role"] == "full"
    note = {
        "note_id": _id(),
        "author_user_id": _id(),
        "author_kind": "partner",
        "body": "Looking into it",
        "added_at": T0,
    }
    _keeps(directory.ServiceRequestWithNotes, service_request_json() | {"notes": [note]})


def test_audit_page_keeps_names_the_page_reads() -> None:
    record = {
        "audit_id": _id(),
        "at": T0,
        "customer_id": _id(),
        "customer_name": None,
        "partner_id": _id(),
        "partner_name": "Acme IT",
        "actor_user_id": _id(),
        "actor_name": "Bob",
        "actor_email": "bob@acme.example",
        "action": "reset_password",
        "target_kind": "user",
        "target_id": _id(),
        "details": {"user_id": _id()},
        "outcome": "refused",
        "reason_code": "not_allowed",
        "reason": "Limited administration.",
    }
    dumped = _keeps(directory.AuditPage, _page(directory.AuditPage, [record], "b64"))
    assert dumped["items"][0]["actor_name"] == "Bob"


def invitation_json() -> dict[str, Any]:
    return {
        "invitation_id": _id(),
        "partner_id": _id(),
        "created_by": _id(),
        "code": "c" * 32,
        "service_id": "mail",
        "seats": 5,
        "trial_days": 30,
        "delegation_role": "limited",
        "expires_at": None,
        "max_redemptions": None,
        "created_at": T0,
        "redemptions": 0,
        "revoked_at": None,
        "revoked_by": None,
        "status": "active",
    }


def test_invitation_views() -> None:
    _keeps(invitations.InvitationPage, _page(invitations.InvitationPage, [invitation_json()], None))
    redemption = {
        "redemption_id": _id(),
        "customer_id": _id(),
        "customer_name": "Contoso Ltd",
        "redeemed_by": _id(),
        "redeemed_at": T0,
    }
    funnel = {"opens": 2, "sign_ups": 1, "redemptions": 1}
    dumped = _keeps(
        invitations.InvitationDetail,
        invitation_json() | {"funnel": funnel, "redemptions_list": [redemption]},
    )
    assert dumped["status"] == "active"


def offer_json() -> dict[str, Any]:
    """As ``offers.entrypoints.http._offer_view`` builds it."""
    return {
        "offer_id": _id(),
        "partner_id": _id(),
        "created_by": _id(),
        "code": "o" * 32,
        "url": "http://portal.example/o/ooo",
        "status": "active",
        "lines": [offered_line_json()],
        "delegation_role": None,
        "expires_at": None,
        "customer_may_change_quantities": False,
        "replaces_offer_id": None,
        "created_at": T0,
        "redemptions": 1,
        "withdrawn_at": None,
        "withdrawn_by": None,
    }


def test_offer_views() -> None:
    _keeps(offers.OfferPage, _page(offers.OfferPage, [offer_json()], None))
    purchase = {
        "redemption_id": _id(),
        "offer_id": _id(),
        "customer_id": _id(),
        "customer_name": "Contoso Ltd",
        "redeemed_by": _id(),
        "lines": [{"service_id": "mail", "quantity": 5}],
        "redeemed_at": T0,
    }
    detail = offer_json() | {
        "funnel": {"opens": 2, "sign_ups": 1, "purchases": 1},
        "replaced_by": [_id()],
        "redemptions_list": [purchase],
    }
    assert _keeps(offers.OfferDetail, detail)["url"].endswith("/o/ooo")
    service = {
        "service_id": "mail",
        "name": "Mail",
        "description": "",
        "licence_unit": "user",
        "min_seats": 1,
        "max_seats": 10000,
        "trial": {"days": 30, "max_seats": 25},
        "on_sale": True,
    }
    _keeps(offers.Catalogue, {"items": [service]})


def test_delegation_views() -> None:
    requests = [request_json() | {"url": "http://p/d/x"}]
    _keeps(delegation.PartnerRequestPage, _page(delegation.PartnerRequestPage, requests, None))
    relationships = [relationship_json()]
    _keeps(delegation.RelationshipPage, _page(delegation.RelationshipPage, relationships, None))
    named_items = [request_json() | {"partner_name": "Acme IT"}]
    named = _keeps(
        delegation.NamedRequestPage, _page(delegation.NamedRequestPage, named_items, None)
    )
    assert named["items"][0]["partner_name"] == "Acme IT"
    named_relationships = [relationship_json() | {"partner_name": None}]
    _keeps(
        delegation.NamedRelationshipPage,
        _page(delegation.NamedRelationshipPage, named_relationships, None),
    )


def test_gateway_composed_answers() -> None:
    signed_in = {
        "user": {
            k: v
            for k, v in user_json().items()
            if k not in ("locked_until", "disabled_at", "created_at")
        },
        "csrf_token": "t" * 43,
    }
    assert _keeps(gateway.SessionView, signed_in)["csrf_token"] == "t" * 43
    registered = CustomerRegistered(
        customer_id=uuid4(),
        name="Globex",
        domain="globex.example",
        contact_email="it@globex.example",
        admin_user_id=uuid4(),
        admin_email="admin@globex.example",
        registered_at=T0,
    ).model_dump(mode="json")
    _keeps(gateway.SignedUp, signed_in | {"customer": registered})
    public = {
        "service_id": "mail",
        "seats": 5,
        "trial_days": 30,
        "delegation_role": None,
        "expires_at": None,
        "status": "active",
    }
    _keeps(
        gateway.PublicInvitationPage,
        {
            "invitation": public,
            "service": {"service_id": "mail", "name": "Mail", "description": ""},
            "partner": public_partner_json(),
        },
    )
    offer = {
        k: v
        for k, v in offer_json().items()
        if k in ("code", "status", "lines", "customer_may_change_quantities", "delegation_role")
    } | {"expires_at": None}
    _keeps(gateway.PublicOfferPage, {"offer": offer, "partner": public_partner_json()})
    _keeps(
        gateway.DelegationRequestPage,
        {"request": request_json() | {"url": "http://p/d/x"}, "partner": public_partner_json()},
    )
