"""The invitations service's read contracts: a row becomes the view the gateway relays and
the web pages read, with the state as of now; the access policy's answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.invitations import access, queries
from shared.cursor import Cursor, Page, next_cursor
from shared.problems import Problem
from shared.views import invitations as views

NOW = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
PARTNER = uuid.uuid4()


def row(**over: Any) -> dict[str, Any]:
    """As ``queries`` selects it (repository ``COLUMNS``)."""
    return {
        "invitation_id": uuid.uuid4(),
        "partner_id": PARTNER,
        "created_by": uuid.uuid4(),
        "code": "c" * 32,
        "service_id": "o365-e3",
        "seats": 5,
        "trial_days": 30,
        "delegation_role": "full",
        "expires_at": None,
        "max_redemptions": None,
        "created_at": NOW - timedelta(hours=1),
        "redemptions": 0,
        "revoked_at": None,
        "revoked_by": None,
    } | over


def test_an_invitation_row_is_the_listed_view_with_its_state_as_of_now() -> None:
    view = queries.invitation_view(row(), NOW)
    dumped = view.model_dump(mode="json")
    assert set(dumped) == set(row()) | {"status"}
    assert dumped["status"] == "active"
    assert queries.invitation_view(row(revoked_at=NOW), NOW).status == "revoked"
    assert queries.invitation_view(row(expires_at=NOW), NOW).status == "expired"
    used_up = row(max_redemptions=2, redemptions=2)
    assert queries.invitation_view(used_up, NOW).status == "exhausted"


def test_the_detail_adds_its_funnel_and_its_redemptions_naming_the_customer() -> None:
    base = queries.invitation_view(row(), NOW)
    redemption = {
        "redemption_id": uuid.uuid4(),
        "customer_id": uuid.uuid4(),
        "customer_name": "Contoso Ltd",
        "redeemed_by": uuid.uuid4(),
        "redeemed_at": NOW,
    }
    detail = views.InvitationDetail(
        **base.model_dump(),
        funnel=views.InvitationFunnel(opens=2, sign_ups=1, redemptions=1),
        redemptions_list=[views.InvitationRedemption(**redemption)],
    )
    dumped = detail.model_dump(mode="json")
    assert dumped["funnel"] == {"opens": 2, "sign_ups": 1, "redemptions": 1}
    assert set(dumped["redemptions_list"][0]) == set(redemption)
    assert dumped["invitation_id"] == str(base.invitation_id)


def test_a_page_has_items_and_an_opaque_next_cursor_from_the_last_item_shown() -> None:
    rows = [row(created_at=NOW) for _ in range(3)]
    cursor = next_cursor(rows, 2, key=lambda r: (r["created_at"], r["invitation_id"]))
    page = views.InvitationPage(
        items=[queries.invitation_view(r, NOW) for r in rows[:2]], next_cursor=cursor
    )
    assert views.InvitationPage is Page[views.Invitation]
    assert set(page.model_dump()) == {"items", "next_cursor"}
    decoded = Cursor.decode(page.next_cursor)
    assert decoded == Cursor(NOW, rows[1]["invitation_id"])
    assert next_cursor(rows, 3, key=lambda r: (r["created_at"], r["invitation_id"])) is None


def test_the_public_view_shows_no_partner_user_no_code_and_no_redemptions() -> None:
    lookup = views.PublicInvitationLookup(**row(), status="active")
    assert set(lookup.model_dump()) == {
        "service_id",
        "seats",
        "trial_days",
        "delegation_role",
        "expires_at",
        "status",
        "partner_id",
    }
    # What the customer's page shows, once the gateway took the partner out.
    assert set(views.PublicInvitation.model_fields) == set(lookup.model_dump()) - {"partner_id"}


def test_counts_keep_the_keys_the_overview_reads() -> None:
    counts = views.InvitationCounts(active=2, redemptions=7)
    assert counts.model_dump() == {"active": 2, "redemptions": 7}


def test_a_partner_sees_its_own_invitation_and_another_partners_is_not_found() -> None:
    access.require_visible(PARTNER, PARTNER)
    access.require_visible(PARTNER, None)  # a trusted internal caller
    for owner in (uuid.uuid4(), None):
        with pytest.raises(Problem) as caught:
            access.require_visible(owner, PARTNER)
        assert (caught.value.status, caught.value.code) == (404, "not_found")


@pytest.mark.parametrize("status", ["revoked", "expired", "exhausted"])
def test_a_link_no_longer_usable_is_gone(status: str) -> None:
    with pytest.raises(Problem) as caught:
        access.require_public(status)
    assert (caught.value.status, caught.value.code) == (410, "invitation_unavailable")
    access.require_public("active")
    with pytest.raises(Problem):
        access.require_public(None)
