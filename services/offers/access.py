"""Who may see which offer: the offers service's one visibility policy, the one every
link-based product has (``shared.access``).

A partner sees only its own offers; another partner's answers exactly like an id that does
not exist. A customer opening an offer's link sees it only while it can be bought; a
withdrawn or expired one says so, and nothing about who made it.
"""

from __future__ import annotations

from shared.access import LinkVisibility
from shared.problems import Problem

_POLICY = LinkVisibility("offer")

require_visible = _POLICY.require_visible
require_public = _POLICY.require_public


def require_service(found: bool) -> None:
    if not found:
        raise Problem(404, "not_found", "No such service.")
