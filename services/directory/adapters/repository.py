"""Persistence of companies, users and service requests (asyncpg, in the directory schema;
subscriptions: ``subscriptions.py``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from services.directory.adapters.delegations import delegation_role
from services.directory.adapters.service_requests import PgServiceRequests, ServiceRequestStore
from services.directory.domain import errors
from services.directory.domain.model import (
    Customer,
    Partner,
    Profile,
    UnknownAddress,
    User,
)
from services.directory.domain.roles import CompanyRole, SupportedAccess
from shared import repository as shared_repository
from shared import rows

USER_COLUMNS = (
    "user_id, company_kind, company_id, email, display_name, password_hash, company_role, "
    "supported_access, created_at, must_change_password, failed_sign_ins, locked_until, "
    "disabled_at"
)
PARTNER_COLUMNS = (
    "partner_id, name, phone, support_email, address, website, registered_at, updated_at, "
    "updated_by"
)
_PROFILE_COLUMNS = "name, phone, support_email, address, website"  # as in PARTNER_COLUMNS
# What saving a partner may change: its profile and who changed it when.
_PARTNER_CHANGES = f"{_PROFILE_COLUMNS}, updated_at, updated_by"
CUSTOMER_COLUMNS = "customer_id, name, domain, contact_email, registered_at"
# What saving a user may change (not its id, company or creation).
_USER_CHANGES = (
    "email, display_name, password_hash, company_role, supported_access, "
    "must_change_password, failed_sign_ins, locked_until, disabled_at"
)


def _digest(email: str) -> bytes:
    return hashlib.sha256(email.lower().encode()).digest()


class Repository(ServiceRequestStore, Protocol):
    async def get_partner(self, *, partner_id: UUID, lock: bool = False) -> Partner | None: ...
    async def add_partner(self, *, partner: Partner) -> None: ...
    async def save_partner(self, *, partner: Partner) -> None: ...
    async def get_customer(self, *, customer_id: UUID) -> Customer | None: ...
    async def add_customer(self, *, customer: Customer) -> None: ...
    async def domain_taken(self, *, domain: str) -> bool: ...
    async def get_user(self, *, user_id: UUID, lock: bool = False) -> User | None: ...
    async def get_user_by_email(self, *, email: str, lock: bool = False) -> User | None: ...
    async def get_unknown_address(self, *, email: str) -> UnknownAddress:
        """The failed sign-ins of an address no user has (none yet: a fresh count); the row,
        if any, is held until commit."""
        ...

    async def save_unknown_address(self, *, address: UnknownAddress, now: datetime) -> None: ...

    async def email_taken(self, *, email: str) -> bool: ...
    async def add_user(self, *, user: User) -> None: ...
    async def save_user(self, *, user: User) -> None: ...
    async def active_global_admins(self, *, company_id: UUID) -> int: ...
    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        """The role of the partner's active delegation with the customer (None: none).
        ``lock``: hold the view's row until commit, so a revocation being applied at the
        same moment is either seen (it committed first) or waits for this transaction."""
        ...


def user_from_row(row: Any) -> User:
    values = dict(row)
    values["company_role"] = CompanyRole(values["company_role"])
    values["supported_access"] = SupportedAccess(values["supported_access"])
    return User(**values)


def partner_from_row(row: Any) -> Partner:
    values = dict(row)
    profile = Profile(**{name: values.pop(name) for name in rows.names(_PROFILE_COLUMNS)})
    return Partner(**values, profile=profile)


class PgRepository(PgServiceRequests, shared_repository.PgRepository):
    async def get_partner(self, *, partner_id: UUID, lock: bool = False) -> Partner | None:
        query = f"SELECT {PARTNER_COLUMNS} FROM partners WHERE partner_id = $1"
        row = await self.one(query, partner_id, lock=lock)
        return partner_from_row(row) if row else None

    async def add_partner(self, *, partner: Partner) -> None:
        try:
            await self.conn.execute(
                rows.insert("partners", PARTNER_COLUMNS),
                *rows.values(partner, PARTNER_COLUMNS, **vars(partner.profile)),
            )
        except asyncpg.UniqueViolationError as exc:
            raise errors.PartnerAlreadyExists("A partner with this id already exists.") from exc

    async def save_partner(self, *, partner: Partner) -> None:
        await self.conn.execute(
            rows.update("partners", "partner_id", _PARTNER_CHANGES),
            partner.partner_id,
            *rows.values(partner, _PARTNER_CHANGES, **vars(partner.profile)),
        )

    async def get_customer(self, *, customer_id: UUID) -> Customer | None:
        row = await self.conn.fetchrow(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = $1", customer_id
        )
        return Customer(**dict(row)) if row else None

    async def add_customer(self, *, customer: Customer) -> None:
        try:
            await self.conn.execute(
                rows.insert("customers", CUSTOMER_COLUMNS), *rows.values(customer, CUSTOMER_COLUMNS)
            )
        except asyncpg.UniqueViolationError as exc:
            # A concurrent registration won the race the handler's check could not see.
            if exc.constraint_name == "customers_domain_key":
                raise errors.DomainTaken(
                    "A company with this domain is already registered."
                ) from exc
            raise errors.CustomerAlreadyExists("A customer with this id already exists.") from exc

    async def domain_taken(self, *, domain: str) -> bool:
        return await self.exists("SELECT true FROM customers WHERE domain = $1", domain)

    async def get_user(self, *, user_id: UUID, lock: bool = False) -> User | None:
        row = await self.one(
            f"SELECT {USER_COLUMNS} FROM users WHERE user_id = $1", user_id, lock=lock
        )
        return user_from_row(row) if row else None

    async def get_user_by_email(self, *, email: str, lock: bool = False) -> User | None:
        query = f"SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
        row = await self.one(query, email, lock=lock)
        return user_from_row(row) if row else None

    async def get_unknown_address(self, *, email: str) -> UnknownAddress:
        row = await self.conn.fetchrow(
            "SELECT failed_sign_ins, locked_until FROM unknown_sign_ins "
            "WHERE email_digest = $1 FOR UPDATE",
            _digest(email),
        )
        if row is None:
            return UnknownAddress(email=email)
        return UnknownAddress(email, row["failed_sign_ins"], row["locked_until"])

    async def save_unknown_address(self, *, address: UnknownAddress, now: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO unknown_sign_ins "
            "(email_digest, failed_sign_ins, locked_until, first_at, last_at) "
            "VALUES ($1, $2, $3, $4, $4) ON CONFLICT (email_digest) DO UPDATE "
            "SET failed_sign_ins = $2, locked_until = $3, last_at = $4",
            _digest(address.email),
            address.failed_sign_ins,
            address.locked_until,
            now,
        )

    async def email_taken(self, *, email: str) -> bool:
        return await self.exists("SELECT true FROM users WHERE lower(email) = lower($1)", email)

    async def add_user(self, *, user: User) -> None:
        try:
            await self.conn.execute(
                rows.insert("users", USER_COLUMNS), *rows.values(user, USER_COLUMNS)
            )
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "users_email_key":
                raise errors.EmailTaken("A user with this e-mail already exists.") from exc
            raise errors.UserAlreadyExists("A user with this id already exists.") from exc

    async def save_user(self, *, user: User) -> None:
        try:
            await self.conn.execute(
                rows.update("users", "user_id", _USER_CHANGES),
                user.user_id,
                *rows.values(user, _USER_CHANGES),
            )
        except asyncpg.UniqueViolationError as exc:
            raise errors.EmailTaken("A user with this e-mail already exists.") from exc

    async def active_global_admins(self, *, company_id: UUID) -> int:
        return int(
            await self.conn.fetchval(
                "SELECT count(*) FROM users WHERE company_id = $1 "
                "AND company_role = 'global_admin' AND disabled_at IS NULL",
                company_id,
            )
        )

    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        return await delegation_role(
            self.conn, partner_id=partner_id, customer_id=customer_id, lock=lock
        )
