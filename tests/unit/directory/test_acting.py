"""The permission table for acting for a customer: every cell, who enters in which role,
the README copy, and the customer-user handlers with fakes."""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from services.directory.domain import acting, commands, errors
from services.directory.domain.acting import PERMISSIONS, CustomerAction, CustomerRole
from services.directory.domain.model import Customer, User
from services.directory.domain.roles import CompanyRole, SupportedAccess
from services.directory.handlers import customer_users as handlers
from tests.unit.directory.builders import HASH, NOW, user
from tests.unit.directory.fakes import FakeRepository

README = Path(__file__).resolve().parents[3] / "services" / "directory" / "README.md"
CUSTOMER = uuid.uuid4()
PARTNER = uuid.uuid4()


def customer_user(role: CompanyRole = CompanyRole.NONE, company: uuid.UUID = CUSTOMER) -> User:
    return replace(user(company, role), company_kind="customer")


def partner_user(access: SupportedAccess) -> User:
    return user(PARTNER, CompanyRole.NONE, access)


def documented() -> dict[CustomerAction, frozenset[CustomerRole]]:
    table: dict[CustomerAction, frozenset[CustomerRole]] = {}
    columns = (CustomerRole.GLOBAL_ADMIN, CustomerRole.PASSWORD_ADMIN, None)
    for line in README.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        try:
            action = CustomerAction(cells[0].split("`")[1])
        except ValueError:
            continue
        allowed = [role for role, cell in zip(columns, cells[1:], strict=True) if cell == "yes"]
        assert None not in allowed, f"{action.value}: 'anyone else' must stay empty"
        table[action] = frozenset(r for r in allowed if r is not None)
    return table


def test_readme_table_matches_the_code() -> None:
    assert documented() == PERMISSIONS


def test_every_action_has_a_row() -> None:
    assert set(PERMISSIONS) == set(CustomerAction)


@pytest.mark.parametrize("action", list(CustomerAction))
@pytest.mark.parametrize(
    ("access", "delegation", "role"),
    [
        (SupportedAccess.FULL, "full", CustomerRole.GLOBAL_ADMIN),
        (SupportedAccess.FULL, "limited", CustomerRole.PASSWORD_ADMIN),
        (SupportedAccess.LIMITED, "full", CustomerRole.PASSWORD_ADMIN),
        (SupportedAccess.LIMITED, "limited", CustomerRole.PASSWORD_ADMIN),
    ],
)
def test_a_delegated_partner_user_acts_in_the_lesser_role(
    action: CustomerAction, access: SupportedAccess, delegation: str, role: CustomerRole
) -> None:
    actor = partner_user(access)
    if role in PERMISSIONS[action]:
        who = acting.enter(actor, customer_id=CUSTOMER, delegation_role=delegation, action=action)
        assert (who.role, who.partner_id) == (role, PARTNER)
    else:
        with pytest.raises(errors.BeyondRole) as refused:
            acting.enter(actor, customer_id=CUSTOMER, delegation_role=delegation, action=action)
        assert refused.value.details == {"action": action.value, "role": role.value}


@pytest.mark.parametrize("action", list(CustomerAction))
@pytest.mark.parametrize("access", [SupportedAccess.FULL, SupportedAccess.LIMITED])
def test_no_active_delegation_no_action(action: CustomerAction, access: SupportedAccess) -> None:
    with pytest.raises(errors.NoActiveDelegation):
        acting.enter(
            partner_user(access), customer_id=CUSTOMER, delegation_role=None, action=action
        )


@pytest.mark.parametrize("action", list(CustomerAction))
def test_no_supported_access_no_action_even_with_a_delegation(action: CustomerAction) -> None:
    with pytest.raises(errors.NotAllowed):
        acting.enter(
            partner_user(SupportedAccess.NONE),
            customer_id=CUSTOMER,
            delegation_role="full",
            action=action,
        )


@pytest.mark.parametrize("action", list(CustomerAction))
@pytest.mark.parametrize(
    ("company_role", "role"),
    [
        (CompanyRole.GLOBAL_ADMIN, CustomerRole.GLOBAL_ADMIN),
        (CompanyRole.PASSWORD_ADMIN, CustomerRole.PASSWORD_ADMIN),
        (CompanyRole.NONE, None),
    ],
)
def test_the_customers_own_users(
    action: CustomerAction, company_role: CompanyRole, role: CustomerRole | None
) -> None:
    actor = customer_user(company_role)
    if role is not None and role in PERMISSIONS[action]:
        who = acting.enter(actor, customer_id=CUSTOMER, delegation_role=None, action=action)
        assert (who.role, who.partner_id) == (role, None)
    else:
        with pytest.raises((errors.NotAllowed, errors.BeyondRole)):
            acting.enter(actor, customer_id=CUSTOMER, delegation_role=None, action=action)


def test_another_customers_admin_and_inactive_actors_are_refused() -> None:
    act = CustomerAction.LIST_USERS
    outsider = customer_user(CompanyRole.GLOBAL_ADMIN, company=uuid.uuid4())
    with pytest.raises(errors.NotAllowed):
        acting.enter(outsider, customer_id=CUSTOMER, delegation_role=None, action=act)
    disabled = replace(partner_user(SupportedAccess.FULL), disabled_at=NOW)
    with pytest.raises(errors.NotAllowed):
        acting.enter(disabled, customer_id=CUSTOMER, delegation_role="full", action=act)
    temporary = replace(partner_user(SupportedAccess.FULL), must_change_password=True)
    with pytest.raises(errors.PasswordChangeRequired):
        acting.enter(temporary, customer_id=CUSTOMER, delegation_role="full", action=act)
    with pytest.raises(errors.NotAllowed):
        acting.enter(None, customer_id=CUSTOMER, delegation_role="full", action=act)


# --- handlers with fakes ------------------------------------------------------------------


class World:
    def __init__(self, delegation: str | None = "full") -> None:
        self.repo = FakeRepository()
        self.admin = self.add(customer_user(CompanyRole.GLOBAL_ADMIN))
        self.member = self.add(customer_user())
        self.full = self.add(partner_user(SupportedAccess.FULL))
        self.limited = self.add(partner_user(SupportedAccess.LIMITED))
        if delegation:
            self.repo.delegations[(PARTNER, CUSTOMER)] = delegation

    def add(self, u: User) -> User:
        self.repo.users[u.user_id] = u
        return u

    def snapshot(self) -> object:
        return copy.deepcopy(self.repo.users)

    async def reset(self, actor: User, target: User) -> handlers.PasswordReset:
        cmd = commands.ResetCustomerPassword(CUSTOMER, actor.user_id, target.user_id)
        return await handlers.reset_customer_password(self.repo, cmd, now=NOW)


async def test_limited_resets_a_non_admin_but_not_an_admin() -> None:
    w = World()
    done = await w.reset(w.limited, w.member)
    assert done.action is CustomerAction.RESET_PASSWORD
    assert w.repo.users[w.member.user_id].must_change_password
    before = w.snapshot()
    with pytest.raises(errors.BeyondRole) as refused:
        await w.reset(w.limited, w.admin)
    assert refused.value.details["action"] == "reset_admin_password"
    assert w.snapshot() == before
    done = await w.reset(w.full, w.admin)
    assert done.action is CustomerAction.RESET_ADMIN_PASSWORD


async def test_reset_of_another_companys_user_is_not_found() -> None:
    w = World()
    with pytest.raises(errors.UserNotFound):
        await w.reset(w.full, w.full)  # a partner user is not the customer's


async def test_create_and_disable_need_the_global_admin_role() -> None:
    w = World()
    new = commands.CreateCustomerUser(
        customer_id=CUSTOMER,
        actor_user_id=w.limited.user_id,
        user_id=uuid.uuid4(),
        email="kim@contoso.example",
        display_name="Kim",
        company_role=CompanyRole.NONE,
        password_hash=HASH,
    )
    with pytest.raises(errors.BeyondRole):
        await handlers.create_customer_user(w.repo, new, now=NOW)
    assert new.user_id not in w.repo.users
    w.repo.customers[CUSTOMER] = Customer(CUSTOMER, "Contoso", "c.example", "it@c.example", NOW)
    event = await handlers.create_customer_user(
        w.repo, replace(new, actor_user_id=w.full.user_id), now=NOW
    )
    assert event.acting_partner_id == PARTNER
    assert w.repo.users[new.user_id].must_change_password
    disable = commands.DisableCustomerUser(CUSTOMER, w.admin.user_id, new.user_id)
    disabled = await handlers.disable_customer_user(w.repo, disable, now=NOW)
    assert disabled.acting_partner_id is None
    with pytest.raises(errors.LastGlobalAdmin):
        await handlers.disable_customer_user(
            w.repo, commands.DisableCustomerUser(CUSTOMER, w.full.user_id, w.admin.user_id), now=NOW
        )


async def test_without_a_delegation_the_partner_is_refused_and_nothing_changes() -> None:
    w = World(delegation=None)
    before = w.snapshot()
    with pytest.raises(errors.NoActiveDelegation):
        await w.reset(w.full, w.member)
    assert w.snapshot() == before
