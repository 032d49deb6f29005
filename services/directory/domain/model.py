"""Companies and users, and the rules that guard them (subscriptions: ``subscriptions.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal, Protocol
from uuid import UUID

from services.directory.domain import errors
from services.directory.domain.roles import (
    Action,
    CompanyRole,
    SupportedAccess,
    allowed_targets,
    covers,
)

CompanyKind = Literal["partner", "customer"]


@dataclass(frozen=True)
class Profile:
    """A partner's company information."""

    name: str
    phone: str
    support_email: str | None
    address: str
    website: str


@dataclass
class Partner:
    partner_id: UUID
    profile: Profile
    registered_at: datetime
    updated_at: datetime
    updated_by: UUID

    def change_profile(self, profile: Profile, *, actor: User, now: datetime) -> None:
        authorise(actor, Action.EDIT_COMPANY, company_id=self.partner_id)
        self.profile = profile
        self.updated_at = now
        self.updated_by = actor.user_id


@dataclass(frozen=True)
class Customer:
    customer_id: UUID
    name: str
    domain: str
    contact_email: str
    registered_at: datetime


class _FailedSignIns:
    """Failed sign-ins counted against an address: slowing down, then locking. A user and an
    address no user has count alike, so their answers cannot tell them apart."""

    failed_sign_ins: int
    locked_until: datetime | None

    def check_can_sign_in(self, *, now: datetime) -> None:
        """Raise while a lock from earlier failures lasts (nothing is counted then)."""
        if self.locked_until is not None and now < self.locked_until:
            raise errors.AccountLocked(
                "Too many failed sign-ins; try again later.",
                retry_after=max(1, int((self.locked_until - now).total_seconds() + 0.999)),
            )

    def record_sign_in(self, *, succeeded: bool, now: datetime, policy: SignInPolicy) -> None:
        """Count a failure (slowing down, then locking), or clear the count on success."""
        if succeeded:
            self.failed_sign_ins = 0
            self.locked_until = None
            return
        self.failed_sign_ins += 1
        self.locked_until = policy.locked_until(self.failed_sign_ins, now=now)


class NewUserFields(Protocol):
    """What the creator of a user chooses for it (a command naming a new user)."""

    @property
    def user_id(self) -> UUID: ...
    @property
    def email(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def password_hash(self) -> str: ...


_CHOSEN = ("user_id", "email", "display_name", "password_hash")  # NewUserFields' names


@dataclass
class User(_FailedSignIns):
    user_id: UUID
    company_kind: CompanyKind
    company_id: UUID
    email: str
    display_name: str
    password_hash: str
    company_role: CompanyRole
    supported_access: SupportedAccess
    created_at: datetime
    must_change_password: bool = False
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    disabled_at: datetime | None = None

    @classmethod
    def new(
        cls,
        chosen: NewUserFields,
        company: tuple[CompanyKind, UUID],
        role: CompanyRole,
        access: SupportedAccess,
        now: datetime,
        *,
        temporary_password: bool = True,
    ) -> User:
        """A new user of ``company`` (its kind and id). One an admin creates gets a temporary
        password, to change before it may act; a company's first admin chose its own."""
        kind, company_id = company
        return cls(
            **{name: getattr(chosen, name) for name in _CHOSEN},
            company_kind=kind,
            company_id=company_id,
            company_role=role,
            supported_access=access,
            created_at=now,
            must_change_password=temporary_password,
        )

    def fields(self, *names: str) -> dict[str, Any]:
        """The named fields as events and views carry them (roles by their value)."""
        values = {name: getattr(self, name) for name in names}
        return {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}

    def set_password(self, password_hash: str, *, temporary: bool) -> None:
        self.password_hash = password_hash
        self.must_change_password = temporary
        self.failed_sign_ins = 0
        self.locked_until = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def active_global_admin(self) -> bool:
        return self.active and self.company_role is CompanyRole.GLOBAL_ADMIN


def authorise(
    actor: User,
    action: Action,
    *,
    company_id: UUID,
    before: User | None = None,
    after: User | None = None,
) -> None:
    """Raise unless the role table lets ``actor`` do ``action`` in its partner company,
    to a user who is among the allowed targets both before and after the change."""
    if actor.company_kind != "partner" or actor.company_id != company_id or not actor.active:
        raise errors.NotAllowed("You have no admin access to this partner company.")
    if actor.must_change_password:
        raise errors.PasswordChangeRequired("Change your temporary password first.")
    targets = allowed_targets(action, actor.company_role)
    if targets is None:
        raise errors.NotAllowed(
            f"Your role ({actor.company_role.value}) does not allow {action.value}.",
            action=action.value,
        )
    for user in (before, after):
        if user is not None and not covers(targets, user.company_role, user.supported_access):
            raise errors.NotAllowed(
                f"Your role ({actor.company_role.value}) may {action.value} only for "
                f"{targets.value}.",
                action=action.value,
            )


def check_supports_customers(actor: User) -> None:
    """Finding and opening customers needs admin access to supported companies."""
    if actor.company_kind != "partner" or not actor.active:
        raise errors.NotAllowed("Only partner users find and support customers.")
    if actor.must_change_password:
        raise errors.PasswordChangeRequired("Change your temporary password first.")
    if actor.supported_access is SupportedAccess.NONE:
        raise errors.NotAllowed("You have no admin access to supported companies.")


def check_global_admins_remain(*, before: User, after: User, active_global_admins: int) -> None:
    """The last active Global admin of a company can be neither demoted nor disabled."""
    if before.active_global_admin and not after.active_global_admin and active_global_admins <= 1:
        raise errors.LastGlobalAdmin(
            "This user is the company's last active Global admin; appoint another first."
        )


def updated(user: User, **changes: object) -> User:
    return replace(user, **changes)  # type: ignore[arg-type]


@dataclass
class UnknownAddress(_FailedSignIns):
    """An e-mail address no user has, as far as failed sign-ins go (kept as a digest)."""

    email: str
    failed_sign_ins: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class SignInPolicy:
    """Failures before ``slow_after`` cost nothing; each later one locks the account for
    twice as long as the one before (1 s, 2 s, ...); at ``lock_after`` failures the lock
    lasts ``lock_minutes``. A successful sign-in or a password reset clears the count."""

    slow_after: int = 3
    lock_after: int = 5
    lock_minutes: int = 15

    def locked_until(self, failures: int, *, now: datetime) -> datetime | None:
        if failures >= self.lock_after:
            return now + timedelta(minutes=self.lock_minutes)
        if failures >= self.slow_after:
            return now + timedelta(seconds=2 ** (failures - self.slow_after))
        return None
