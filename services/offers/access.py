"""Who may see which offer: the offers service's one visibility policy.

A partner sees only its own offers; another partner's answers exactly like an id that does
not exist. A customer opening an offer's link sees it only while it can be bought; a
withdrawn or expired one says so, and nothing about who made it.
"""

from __future__ import annotations

from uuid import UUID

from shared.problems import Problem


def partner_may_see(owner_id: UUID, partner_id: UUID | None) -> bool:
    """``partner_id`` None: a trusted internal caller that names no partner."""
    return partner_id is None or owner_id == partner_id


def require_visible(owner_id: UUID | None, partner_id: UUID | None) -> None:
    if owner_id is None or not partner_may_see(owner_id, partner_id):
        raise Problem(404, "not_found", "No such offer.")


def require_public(status: str | None) -> None:
    """The public page of a link: unknown codes are 404, offers no longer on sale 410."""
    if status is None:
        raise Problem(404, "not_found", "No such offer.")
    if status != "active":
        raise Problem(410, "offer_unavailable", "This offer is no longer available.")


def require_service(found: bool) -> None:
    if not found:
        raise Problem(404, "not_found", "No such service.")
