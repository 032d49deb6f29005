"""Who acts: a user the directory knows, and a user entering a customer (its own, or one its
partner acts for under an active delegation: the permission table in ``domain/acting.py``)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from services.directory.domain import acting, errors
from services.directory.domain.acting import Acting, CustomerAction
from services.directory.domain.model import User


class Users(Protocol):
    async def get_user(self, *, user_id: UUID) -> User | None: ...


class Delegations(Users, Protocol):
    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None: ...


async def known(repo: Users, user_id: UUID) -> User:
    """The acting user; one the directory does not know may do nothing."""
    actor = await repo.get_user(user_id=user_id)
    if actor is None:
        raise errors.NotAllowed("The acting user is not known.")
    return actor


async def enter(
    repo: Delegations, *, actor_user_id: UUID, customer_id: UUID, action: CustomerAction
) -> Acting:
    """The actor's role in the customer, covering ``action``. The delegation view's row is
    locked until commit, so a revocation applied concurrently either came first (and this
    is refused) or waits for this transaction."""
    actor = await repo.get_user(user_id=actor_user_id)
    role = None
    if actor is not None and actor.company_kind == "partner":
        role = await repo.delegation_role(
            partner_id=actor.company_id, customer_id=customer_id, lock=True
        )
    return acting.enter(actor, customer_id=customer_id, delegation_role=role, action=action)
