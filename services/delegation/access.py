"""Who may see which delegation request or relationship: the delegation service's one
visibility policy.

A request or relationship is its two parties'. A reader names itself (``partner_id`` or
``customer_id``); one of another party answers exactly like an id or code that does not
exist, so nothing says it exists. A reader that names no party is a trusted internal caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shared.problems import Problem


@dataclass(frozen=True)
class Reader:
    partner_id: UUID | None = None
    customer_id: UUID | None = None

    def may_see(self, partner_id: UUID, customer_id: UUID) -> bool:
        return (self.partner_id is None or self.partner_id == partner_id) and (
            self.customer_id is None or self.customer_id == customer_id
        )


def require_request(row: Any, reader: Reader) -> None:
    if row is None or not reader.may_see(row["partner_id"], row["customer_id"]):
        raise Problem(404, "not_found", "No such delegation request.")


def require_relationship(row: Any, reader: Reader) -> None:
    if row is None or not reader.may_see(row["partner_id"], row["customer_id"]):
        raise Problem(404, "relationship_not_found", "No such delegation.")


def require_active(row: Any) -> None:
    if row is None:
        detail = "This partner has no active delegation with this customer."
        raise Problem(404, "relationship_not_found", detail)
