"""Persistence of companies, users and service requests (asyncpg, in the directory schema;
subscriptions: ``subscriptions.py``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from services.directory.domain import errors
from services.directory.domain.model import (
    Customer,
    Partner,
    Profile,
    UnknownAddress,
    User,
)
from services.directory.domain.roles import CompanyRole, SupportedAccess
from services.directory.domain.service_requests import ServiceRequest, State
from shared.db import Connection

USER_COLUMNS = (
    "user_id, company_kind, company_id, email, display_name, password_hash, company_role, "
    "supported_access, created_at, must_change_password, failed_sign_ins, locked_until, "
    "disabled_at"
)
PARTNER_COLUMNS = (
    "partner_id, name, phone, support_email, address, website, registered_at, updated_at, "
    "updated_by"
)
CUSTOMER_COLUMNS = "customer_id, name, domain, contact_email, registered_at"


def _digest(email: str) -> bytes:
    return hashlib.sha256(email.lower().encode()).digest()


class Repository(Protocol):
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

    async def get_service_request(self, *, request_id: UUID) -> ServiceRequest | None: ...
    async def add_service_request(self, *, request: ServiceRequest) -> None: ...
    async def save_service_request(self, *, request: ServiceRequest) -> None: ...
    async def add_note(
        self,
        *,
        note_id: UUID,
        request_id: UUID,
        author_user_id: UUID,
        author_kind: str,
        body: str,
        added_at: datetime,
    ) -> bool:
        """False when a note with this id exists already."""
        ...


def user_from_row(row: Any) -> User:
    values = dict(row)
    values["company_role"] = CompanyRole(values["company_role"])
    values["supported_access"] = SupportedAccess(values["supported_access"])
    return User(**values)


def partner_from_row(row: Any) -> Partner:
    return Partner(
        partner_id=row["partner_id"],
        profile=Profile(
            name=row["name"],
            phone=row["phone"],
            support_email=row["support_email"],
            address=row["address"],
            website=row["website"],
        ),
        registered_at=row["registered_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


class PgRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def get_partner(self, *, partner_id: UUID, lock: bool = False) -> Partner | None:
        row = await self.conn.fetchrow(
            f"SELECT {PARTNER_COLUMNS} FROM partners WHERE partner_id = $1"
            + (" FOR UPDATE" if lock else ""),
            partner_id,
        )
        return partner_from_row(row) if row else None

    async def add_partner(self, *, partner: Partner) -> None:
        try:
            await self.conn.execute(
                f"INSERT INTO partners ({PARTNER_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                partner.partner_id,
                *_profile_values(partner.profile),
                partner.registered_at,
                partner.updated_at,
                partner.updated_by,
            )
        except asyncpg.UniqueViolationError as exc:
            raise errors.PartnerAlreadyExists("A partner with this id already exists.") from exc

    async def save_partner(self, *, partner: Partner) -> None:
        await self.conn.execute(
            "UPDATE partners SET name = $2, phone = $3, support_email = $4, address = $5, "
            "website = $6, updated_at = $7, updated_by = $8 WHERE partner_id = $1",
            partner.partner_id,
            *_profile_values(partner.profile),
            partner.updated_at,
            partner.updated_by,
        )

    async def get_customer(self, *, customer_id: UUID) -> Customer | None:
        row = await self.conn.fetchrow(
            f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = $1", customer_id
        )
        return Customer(**dict(row)) if row else None

    async def add_customer(self, *, customer: Customer) -> None:
        c = customer
        try:
            await self.conn.execute(
                f"INSERT INTO customers ({CUSTOMER_COLUMNS}) VALUES ($1, $2, $3, $4, $5)",
                c.customer_id,
                c.name,
                c.domain,
                c.contact_email,
                c.registered_at,
            )
        except asyncpg.UniqueViolationError as exc:
            # A concurrent registration won the race the handler's check could not see.
            if exc.constraint_name == "customers_domain_key":
                raise errors.DomainTaken(
                    "A company with this domain is already registered."
                ) from exc
            raise errors.CustomerAlreadyExists("A customer with this id already exists.") from exc

    async def domain_taken(self, *, domain: str) -> bool:
        return bool(
            await self.conn.fetchval("SELECT true FROM customers WHERE domain = $1", domain)
        )

    async def get_user(self, *, user_id: UUID, lock: bool = False) -> User | None:
        row = await self.conn.fetchrow(
            f"SELECT {USER_COLUMNS} FROM users WHERE user_id = $1"
            + (" FOR UPDATE" if lock else ""),
            user_id,
        )
        return user_from_row(row) if row else None

    async def get_user_by_email(self, *, email: str, lock: bool = False) -> User | None:
        row = await self.conn.fetchrow(
            f"SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
            + (" FOR UPDATE" if lock else ""),
            email,
        )
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
        return bool(
            await self.conn.fetchval("SELECT true FROM users WHERE lower(email) = lower($1)", email)
        )

    async def add_user(self, *, user: User) -> None:
        u = user
        try:
            await self.conn.execute(
                f"INSERT INTO users ({USER_COLUMNS}) "
                "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
                u.user_id,
                u.company_kind,
                u.company_id,
                u.email,
                u.display_name,
                u.password_hash,
                u.company_role.value,
                u.supported_access.value,
                u.created_at,
                u.must_change_password,
                u.failed_sign_ins,
                u.locked_until,
                u.disabled_at,
            )
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "users_email_key":
                raise errors.EmailTaken("A user with this e-mail already exists.") from exc
            raise errors.UserAlreadyExists("A user with this id already exists.") from exc

    async def save_user(self, *, user: User) -> None:
        u = user
        try:
            await self.conn.execute(
                "UPDATE users SET email = $2, display_name = $3, password_hash = $4, "
                "company_role = $5, supported_access = $6, must_change_password = $7, "
                "failed_sign_ins = $8, locked_until = $9, disabled_at = $10 WHERE user_id = $1",
                u.user_id,
                u.email,
                u.display_name,
                u.password_hash,
                u.company_role.value,
                u.supported_access.value,
                u.must_change_password,
                u.failed_sign_ins,
                u.locked_until,
                u.disabled_at,
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

    async def get_service_request(self, *, request_id: UUID) -> ServiceRequest | None:
        row = await self.conn.fetchrow(
            f"SELECT {_SR_COLUMNS} FROM service_requests WHERE request_id = $1 FOR UPDATE",
            request_id,
        )
        if row is None:
            return None
        return ServiceRequest(**(dict(row) | {"state": State(row["state"])}))

    async def add_service_request(self, *, request: ServiceRequest) -> None:
        r = request
        try:
            await self.conn.execute(
                f"INSERT INTO service_requests ({_SR_COLUMNS}) "
                "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                r.request_id,
                r.customer_id,
                r.partner_id,
                r.title,
                r.description,
                r.severity,
                r.contact_name,
                r.contact_email,
                r.state.value,
                r.created_by,
                r.created_at,
                r.updated_at,
            )
        except asyncpg.UniqueViolationError as exc:
            raise errors.ServiceRequestAlreadyExists("This request id is taken.") from exc

    async def save_service_request(self, *, request: ServiceRequest) -> None:
        await self.conn.execute(
            "UPDATE service_requests SET state = $2, updated_at = $3 WHERE request_id = $1",
            request.request_id,
            request.state.value,
            request.updated_at,
        )

    async def add_note(
        self,
        *,
        note_id: UUID,
        request_id: UUID,
        author_user_id: UUID,
        author_kind: str,
        body: str,
        added_at: datetime,
    ) -> bool:
        inserted = await self.conn.fetchval(
            "INSERT INTO service_request_notes (note_id, request_id, author_user_id, "
            "author_kind, body, added_at) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (note_id) DO NOTHING RETURNING true",
            note_id,
            request_id,
            author_user_id,
            author_kind,
            body,
            added_at,
        )
        return bool(inserted)


async def delegation_role(
    conn: Connection, *, partner_id: UUID, customer_id: UUID, lock: bool = False
) -> str | None:
    """The active delegation's role in the directory's view (``partner_customers``)."""
    role: str | None = await conn.fetchval(
        "SELECT delegation_role FROM partner_customers WHERE partner_id = $1 "
        "AND customer_id = $2" + (" FOR SHARE" if lock else ""),
        partner_id,
        customer_id,
    )
    return role


def _profile_values(profile: Profile) -> tuple[str, str, str | None, str, str]:
    p = profile
    return (p.name, p.phone, p.support_email, p.address, p.website)


_SR_COLUMNS = (
    "request_id, customer_id, partner_id, title, description, severity, contact_name, "
    "contact_email, state, created_by, created_at, updated_at"
)


class DelegationView:
    """The directory's copy of active delegations (in ``partner_customers``), fed by the
    delegation service's events. At most one is active per partner and customer."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def approved(
        self,
        *,
        partner_id: UUID,
        customer_id: UUID,
        relationship_id: UUID,
        role: str,
        approved_at: datetime,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO partner_customers (partner_id, customer_id, delegation_id, "
            "delegation_role, delegation_approved_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (partner_id, customer_id) DO UPDATE "
            "SET delegation_id = $3, delegation_role = $4, delegation_approved_at = $5",
            partner_id,
            customer_id,
            relationship_id,
            role,
            approved_at,
        )

    async def ended(self, *, relationship_id: UUID) -> None:
        await self.conn.execute(
            "DELETE FROM partner_customers WHERE delegation_id = $1 AND NOT partner_of_record",
            relationship_id,
        )
        await self.conn.execute(
            "UPDATE partner_customers SET delegation_id = NULL, delegation_role = NULL, "
            "delegation_approved_at = NULL WHERE delegation_id = $1",
            relationship_id,
        )
