"""Acting for a customer: who may administer a customer's users and subscriptions.

One table, ``PERMISSIONS``: which customer role covers which action. A partner user acts
in the role its partner's **active** delegation and its own *admin access to supported
companies* both grant (the lesser of the two: Full = the customer's Global admin, Limited =
the customer's Password admin); a customer's own admin acts in its company role. An
action not covered by the actor's role is refused. The service README shows the same
table; ``tests/unit/directory/test_acting.py`` checks every cell and that the README
matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from services.directory.domain import errors
from services.directory.domain.model import User
from services.directory.domain.roles import CompanyRole, SupportedAccess


class CustomerRole(StrEnum):
    """The role an actor holds inside a customer."""

    GLOBAL_ADMIN = "global_admin"  # Full administration
    PASSWORD_ADMIN = "password_admin"  # Limited administration


class CustomerAction(StrEnum):
    LIST_USERS = "list_users"
    CREATE_USER = "create_user"
    DISABLE_USER = "disable_user"
    RESET_PASSWORD = "reset_password"  # of a user with no admin role
    RESET_ADMIN_PASSWORD = "reset_admin_password"  # of a user with any admin role
    ASSIGN_LICENCE = "assign_licence"
    REMOVE_LICENCE = "remove_licence"
    CHANGE_QUANTITY = "change_quantity"
    SUSPEND_SUBSCRIPTION = "suspend_subscription"
    REACTIVATE_SUBSCRIPTION = "reactivate_subscription"
    CANCEL_SUBSCRIPTION = "cancel_subscription"


_GA = CustomerRole.GLOBAL_ADMIN
_PA = CustomerRole.PASSWORD_ADMIN
_FULL_ONLY = frozenset({_GA})

# Reading the user list is part of Limited administration: a Password admin must see the
# users to pick whose password to reset. Everything else Limited may not do.
PERMISSIONS: dict[CustomerAction, frozenset[CustomerRole]] = {
    CustomerAction.LIST_USERS: frozenset({_GA, _PA}),
    CustomerAction.CREATE_USER: _FULL_ONLY,
    CustomerAction.DISABLE_USER: _FULL_ONLY,
    CustomerAction.RESET_PASSWORD: frozenset({_GA, _PA}),
    CustomerAction.RESET_ADMIN_PASSWORD: _FULL_ONLY,
    CustomerAction.ASSIGN_LICENCE: _FULL_ONLY,
    CustomerAction.REMOVE_LICENCE: _FULL_ONLY,
    CustomerAction.CHANGE_QUANTITY: _FULL_ONLY,
    CustomerAction.SUSPEND_SUBSCRIPTION: _FULL_ONLY,
    CustomerAction.REACTIVATE_SUBSCRIPTION: _FULL_ONLY,
    CustomerAction.CANCEL_SUBSCRIPTION: _FULL_ONLY,
}


@dataclass(frozen=True)
class Acting:
    """An actor allowed into a customer, and in which role."""

    actor: User
    customer_id: UUID
    role: CustomerRole
    partner_id: UUID | None  # None: the customer's own admin

    def check(self, action: CustomerAction) -> None:
        """Raise unless the table lets this role do ``action``."""
        if self.role not in PERMISSIONS[action]:
            raise errors.BeyondRole(
                f"Acting as the customer's {self.role.value}, you may not {action.value}.",
                action=action.value,
                role=self.role.value,
            )


def reset_action(target: User) -> CustomerAction:
    """Resetting an admin's password would hand over that admin's rights: a separate row."""
    if target.company_role is CompanyRole.NONE:
        return CustomerAction.RESET_PASSWORD
    return CustomerAction.RESET_ADMIN_PASSWORD


_CUSTOMER_ROLES = {
    CompanyRole.GLOBAL_ADMIN: _GA,
    CompanyRole.PASSWORD_ADMIN: _PA,
}


def enter(
    actor: User | None,
    *,
    customer_id: UUID,
    delegation_role: str | None,
    action: CustomerAction,
) -> Acting:
    """The role ``actor`` holds in the customer, if it covers ``action``; otherwise a
    refusal saying why (its details name the action, for the audit).

    ``delegation_role``: the actor's partner's active delegation with the customer, from
    the directory's view of delegation events (None: no active delegation). Being the
    partner of record grants nothing here.
    """
    why = {"action": action.value}
    if actor is None or not actor.active:
        raise errors.NotAllowed("The acting user is not known or is disabled.", **why)
    if actor.must_change_password:
        raise errors.PasswordChangeRequired("Change your temporary password first.", **why)
    if actor.company_kind == "customer":
        role = _CUSTOMER_ROLES.get(actor.company_role)
        if actor.company_id != customer_id or role is None:
            raise errors.NotAllowed("Only an admin of the customer may do this.", **why)
        who = Acting(actor=actor, customer_id=customer_id, role=role, partner_id=None)
    elif actor.supported_access is SupportedAccess.NONE:
        raise errors.NotAllowed("You have no admin access to supported companies.", **why)
    elif delegation_role is None:
        raise errors.NoActiveDelegation(
            "Your partner has no active delegated administration with this customer.", **why
        )
    else:
        full = actor.supported_access is SupportedAccess.FULL and delegation_role == "full"
        who = Acting(
            actor=actor,
            customer_id=customer_id,
            role=_GA if full else _PA,
            partner_id=actor.company_id,
        )
    who.check(action)
    return who
