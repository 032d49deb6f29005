"""Who may see which invitation: the invitations service's one visibility policy, the one
every link-based product has (``shared.access``).

A partner sees only its own invitations; another partner's answers exactly like an id that
does not exist, so nothing says it exists. A customer opening a link sees an invitation only
while it can be redeemed; a revoked, expired or used-up one says so and nothing about who
made it.
"""

from __future__ import annotations

from shared.access import LinkVisibility

_POLICY = LinkVisibility("invitation")

require_visible = _POLICY.require_visible
require_public = _POLICY.require_public
