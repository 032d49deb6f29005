"""Who may see which invitation: the invitations service's one visibility policy.

A partner sees only its own invitations; another partner's answers exactly like an id that
does not exist, so nothing says it exists. A customer opening a link sees an invitation only
while it can be redeemed; a revoked, expired or used-up one says so and nothing about who
made it.
"""

from __future__ import annotations

from uuid import UUID

from shared.problems import Problem

NOT_FOUND = Problem(404, "not_found", "No such invitation.")


def partner_may_see(owner_id: UUID, partner_id: UUID | None) -> bool:
    """``partner_id`` None: a trusted internal caller that names no partner."""
    return partner_id is None or owner_id == partner_id


def require_visible(owner_id: UUID | None, partner_id: UUID | None) -> None:
    if owner_id is None or not partner_may_see(owner_id, partner_id):
        raise Problem(404, "not_found", "No such invitation.")


def require_public(status: str | None) -> None:
    """The public page of a link: unknown codes are 404, unusable invitations 410."""
    if status is None:
        raise Problem(404, "not_found", "No such invitation.")
    if status != "active":
        raise Problem(410, "invitation_unavailable", "This invitation is no longer available.")
