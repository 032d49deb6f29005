"""What the link-based products (trial invitations, purchase offers) share: the funnel of a
public link. A page load counts one more open (nothing about who); a sign-up from the link
counts once per customer (a second report of the same sign-up counts nothing).

Each product keeps its own tables of the same shape: its links (``code``, ``partner_id``),
``funnel`` (opens, sign-ups) and ``sign_ups`` (one row per customer), keyed by the link's id;
and the same view of the customers its lists name (``customers``, from the directory's events).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, Protocol, TypeVar
from uuid import UUID

from shared.contracts.base import Event
from shared.contracts.directory import CustomerRegistered
from shared.db import Connection
from shared.errors import DomainError
from shared.messaging.consumer import MessageContext, Routes
from shared.repository import NamedCustomers, PgRepository


@dataclass(frozen=True)
class RecordOpen:
    code: str


@dataclass(frozen=True)
class RecordSignUp:
    code: str
    customer_id: UUID


@dataclass(frozen=True)
class FunnelCount:
    """A link's funnel counter after one more step."""

    link_id: UUID
    partner_id: UUID
    count: int


@dataclass(frozen=True)
class FunnelSql:
    """The funnel statements over one product's tables: ``links`` (e.g. ``offers``) with
    its id column ``key`` (e.g. ``offer_id``)."""

    links: str
    key: str

    async def record_open(self, conn: Connection, *, code: str) -> FunnelCount | None:
        links, key = self.links, self.key
        row = await conn.fetchrow(
            f"INSERT INTO funnel AS f ({key}, opens) "
            f"SELECT {key}, 1 FROM {links} WHERE code = $1 "
            f"ON CONFLICT ({key}) DO UPDATE SET opens = f.opens + 1 "
            f"RETURNING {key}, opens, (SELECT partner_id FROM {links} WHERE code = $1)",
            code,
        )
        return FunnelCount(row[key], row["partner_id"], row["opens"]) if row else None

    async def record_sign_up(
        self, conn: Connection, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None:
        """Counted once per customer: a second report of the same sign-up counts nothing."""
        links, key = self.links, self.key
        row = await conn.fetchrow(
            f"WITH l AS (SELECT {key}, partner_id FROM {links} WHERE code = $1), "
            f"added AS (INSERT INTO sign_ups ({key}, customer_id, signed_up_at) "
            f"SELECT {key}, $2, $3 FROM l ON CONFLICT DO NOTHING RETURNING {key}), "
            f"counted AS (INSERT INTO funnel AS f ({key}, sign_ups) "
            f"SELECT {key}, 1 FROM added "
            f"ON CONFLICT ({key}) DO UPDATE SET sign_ups = f.sign_ups + 1 "
            "RETURNING sign_ups) "
            f"SELECT l.{key}, l.partner_id, coalesce((SELECT sign_ups FROM counted), "
            f"(SELECT sign_ups FROM funnel f WHERE f.{key} = l.{key}), 0) AS count "
            "FROM l",
            code,
            customer_id,
            now,
        )
        return FunnelCount(row[key], row["partner_id"], row["count"]) if row else None


class FunnelRepository(PgRepository):
    """A product repository's funnel steps, over its ``funnel`` statements."""

    funnel: ClassVar[FunnelSql]

    async def record_open(self, *, code: str) -> FunnelCount | None:
        return await self.funnel.record_open(self.conn, code=code)

    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None:
        return await self.funnel.record_sign_up(
            self.conn, code=code, customer_id=customer_id, now=now
        )


class FunnelSteps(Protocol):
    async def record_open(self, *, code: str) -> FunnelCount | None: ...
    async def record_sign_up(
        self, *, code: str, customer_id: UUID, now: datetime
    ) -> FunnelCount | None: ...


Opened = TypeVar("Opened", bound=Event)
SignedUp = TypeVar("SignedUp", bound=Event)


@dataclass(frozen=True)
class Funnel(Generic[Opened, SignedUp]):
    """One product's funnel handlers: its events name the link by ``key`` (e.g.
    ``offer_id``); ``not_found`` is the error for a code no link has."""

    key: str
    opened: type[Opened]
    signed_up: type[SignedUp]
    not_found: Callable[[str], DomainError]

    async def record_open(self, repo: FunnelSteps, cmd: RecordOpen, *, now: datetime) -> Opened:
        """One more load of the link's page: a count, nothing about who loaded it."""
        count = self._found(await repo.record_open(code=cmd.code))
        link = {self.key: count.link_id, "partner_id": count.partner_id}
        return self.opened.model_validate(link | {"opens": count.count, "opened_at": now})

    async def record_sign_up(
        self, repo: FunnelSteps, cmd: RecordSignUp, *, now: datetime
    ) -> SignedUp:
        """An account created from the link, counted once per customer."""
        step = repo.record_sign_up(code=cmd.code, customer_id=cmd.customer_id, now=now)
        count = self._found(await step)
        link = {self.key: count.link_id, "partner_id": count.partner_id}
        return self.signed_up.model_validate(
            link | {"customer_id": cmd.customer_id, "sign_ups": count.count, "signed_up_at": now}
        )

    def _found(self, count: FunnelCount | None) -> FunnelCount:
        if count is None:
            raise self.not_found(f"No {self.key.removesuffix('_id')} has this code.")
        return count


def customer_view(repository: Callable[[Connection], NamedCustomers]) -> Routes:
    """The event routes that keep the product's view of the customers, each with its name, from
    the directory's events; a product may add the routes of its other views."""
    routes = Routes(strict=False)

    @routes.on(CustomerRegistered)
    async def customer_registered(ctx: MessageContext, msg: CustomerRegistered) -> None:
        await repository(ctx.conn).add_customer(customer_id=msg.customer_id, name=msg.name)

    return routes
