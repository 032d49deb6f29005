"""Who may do what to whom among a partner's users: the role table.

The table is data: one row per (action, acting user's company role), naming which users the
action may target. A pair that is not in the table is not allowed. The service README shows
the same table; ``tests/unit/directory/test_roles.py`` tests every row.
"""

from __future__ import annotations

from enum import StrEnum


class CompanyRole(StrEnum):
    """Admin access to the user's own company."""

    NONE = "none"
    GLOBAL_ADMIN = "global_admin"
    BILLING_ADMIN = "billing_admin"
    PASSWORD_ADMIN = "password_admin"
    SERVICE_ADMIN = "service_admin"
    USER_MANAGEMENT_ADMIN = "user_management_admin"


class SupportedAccess(StrEnum):
    """A partner user's admin access to supported (delegating) customers."""

    NONE = "none"
    FULL = "full"  # the customer's Global admin
    LIMITED = "limited"  # the customer's Password admin: resets non-admins' passwords only


class Action(StrEnum):
    EDIT_COMPANY = "edit_company"
    CREATE_USER = "create_user"
    UPDATE_USER = "update_user"  # name, e-mail, company role, supported access
    DISABLE_USER = "disable_user"
    ENABLE_USER = "enable_user"
    RESET_PASSWORD = "reset_password"


class Targets(StrEnum):
    """Which users an allowed action may touch (before *and* after the change)."""

    ANY = "any user"
    NOT_GLOBAL_ADMIN = "users who are not Global admins"
    NOT_ADMIN = "users with no admin access at all"


_GA = CompanyRole.GLOBAL_ADMIN
_UMA = CompanyRole.USER_MANAGEMENT_ADMIN
_PA = CompanyRole.PASSWORD_ADMIN

ROLE_TABLE: dict[tuple[Action, CompanyRole], Targets] = {
    (Action.EDIT_COMPANY, _GA): Targets.ANY,
    (Action.CREATE_USER, _GA): Targets.ANY,
    (Action.CREATE_USER, _UMA): Targets.NOT_GLOBAL_ADMIN,
    (Action.UPDATE_USER, _GA): Targets.ANY,
    (Action.UPDATE_USER, _UMA): Targets.NOT_GLOBAL_ADMIN,
    (Action.DISABLE_USER, _GA): Targets.ANY,
    (Action.DISABLE_USER, _UMA): Targets.NOT_GLOBAL_ADMIN,
    (Action.ENABLE_USER, _GA): Targets.ANY,
    (Action.ENABLE_USER, _UMA): Targets.NOT_GLOBAL_ADMIN,
    (Action.RESET_PASSWORD, _GA): Targets.ANY,
    (Action.RESET_PASSWORD, _UMA): Targets.NOT_GLOBAL_ADMIN,
    (Action.RESET_PASSWORD, _PA): Targets.NOT_ADMIN,
}


def covers(targets: Targets, role: CompanyRole, access: SupportedAccess) -> bool:
    """Whether a user holding ``role`` and ``access`` is among ``targets``.

    Full or Limited administration of customers counts as admin access: a Password admin who
    could reset such a user's password could take over every customer that user supports.
    """
    if targets is Targets.ANY:
        return True
    if targets is Targets.NOT_GLOBAL_ADMIN:
        return role is not CompanyRole.GLOBAL_ADMIN
    return role is CompanyRole.NONE and access is SupportedAccess.NONE


def allowed_targets(action: Action, actor_role: CompanyRole) -> Targets | None:
    return ROLE_TABLE.get((action, actor_role))
