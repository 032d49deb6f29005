"""A hand-written in-memory repository with the same contract as PgRepository."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from services.directory.domain import errors
from services.directory.domain.model import Customer, Partner, UnknownAddress, User
from services.directory.domain.service_requests import Note, ServiceRequest


class FakeRepository:
    def __init__(self) -> None:
        self.partners: dict[UUID, Partner] = {}
        self.customers: dict[UUID, Customer] = {}
        self.users: dict[UUID, User] = {}
        self.unknown: dict[str, UnknownAddress] = {}
        self.delegations: dict[tuple[UUID, UUID], str] = {}
        self.requests: dict[UUID, ServiceRequest] = {}
        self.notes: dict[UUID, Note] = {}

    async def get_partner(self, *, partner_id: UUID, lock: bool = False) -> Partner | None:
        found = self.partners.get(partner_id)
        return replace(found) if found else None

    async def add_partner(self, *, partner: Partner) -> None:
        if partner.partner_id in self.partners:
            raise errors.PartnerAlreadyExists("exists")
        self.partners[partner.partner_id] = replace(partner)

    async def save_partner(self, *, partner: Partner) -> None:
        self.partners[partner.partner_id] = replace(partner)

    async def get_customer(self, *, customer_id: UUID) -> Customer | None:
        return self.customers.get(customer_id)

    async def add_customer(self, *, customer: Customer) -> None:
        if await self.domain_taken(domain=customer.domain):
            raise errors.DomainTaken("taken")
        self.customers[customer.customer_id] = customer

    async def domain_taken(self, *, domain: str) -> bool:
        return any(c.domain == domain for c in self.customers.values())

    async def get_user(self, *, user_id: UUID, lock: bool = False) -> User | None:
        found = self.users.get(user_id)
        return replace(found) if found else None

    async def get_user_by_email(self, *, email: str, lock: bool = False) -> User | None:
        found = [u for u in self.users.values() if u.email.lower() == email.lower()]
        return replace(found[0]) if found else None

    async def email_taken(self, *, email: str) -> bool:
        return any(u.email.lower() == email.lower() for u in self.users.values())

    async def add_user(self, *, user: User) -> None:
        if await self.email_taken(email=user.email):
            raise errors.EmailTaken("taken")
        self.users[user.user_id] = replace(user)

    async def save_user(self, *, user: User) -> None:
        self.users[user.user_id] = replace(user)

    async def get_unknown_address(self, *, email: str) -> UnknownAddress:
        return replace(self.unknown.get(email.lower(), UnknownAddress(email=email)))

    async def save_unknown_address(self, *, address: UnknownAddress, now: datetime) -> None:
        self.unknown[address.email.lower()] = replace(address)

    async def active_global_admins(self, *, company_id: UUID) -> int:
        return sum(
            1 for u in self.users.values() if u.company_id == company_id and u.active_global_admin
        )

    async def delegation_role(
        self, *, partner_id: UUID, customer_id: UUID, lock: bool = False
    ) -> str | None:
        return self.delegations.get((partner_id, customer_id))

    async def get_service_request(self, *, request_id: UUID) -> ServiceRequest | None:
        found = self.requests.get(request_id)
        return replace(found) if found else None

    async def add_service_request(self, *, request: ServiceRequest) -> None:
        if request.request_id in self.requests:
            raise errors.ServiceRequestAlreadyExists("taken")
        self.requests[request.request_id] = replace(request)

    async def save_service_request(self, *, request: ServiceRequest) -> None:
        self.requests[request.request_id] = replace(request)

    async def add_note(self, *, note: Note) -> bool:
        if note.note_id in self.notes:
            return False
        self.notes[note.note_id] = note
        return True
