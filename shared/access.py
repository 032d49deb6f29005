"""The visibility policy the link-based products (trial invitations, purchase offers) share.

A partner sees only its own links; another partner's answers exactly like an id that does
not exist, so nothing says it exists. A customer opening a link sees it only while it can be
used; one that no longer can says so (410) and nothing about who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.problems import Problem


@dataclass(frozen=True)
class LinkVisibility:
    noun: str  # what the product calls one link: "invitation", "offer"

    def partner_may_see(self, owner_id: UUID, partner_id: UUID | None) -> bool:
        """``partner_id`` None: a trusted internal caller that names no partner."""
        return partner_id is None or owner_id == partner_id

    def require_visible(self, owner_id: UUID | None, partner_id: UUID | None) -> None:
        if owner_id is None or not self.partner_may_see(owner_id, partner_id):
            raise self._not_found()

    def require_public(self, status: str | None) -> None:
        """The public page of a link: unknown codes are 404, links no longer usable 410."""
        if status is None:
            raise self._not_found()
        if status != "active":
            detail = f"This {self.noun} is no longer available."
            raise Problem(410, f"{self.noun}_unavailable", detail)

    def _not_found(self) -> Problem:
        return Problem(404, "not_found", f"No such {self.noun}.")
