"""The service's own view of who is who (fed by the directory's events), and the lifecycle
mail requests it writes into the existing deliveries table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict, Unpack, cast
from uuid import UUID

from services.notifications.domain.commands import Partner
from services.notifications.domain.lifecycle import Person
from shared.db import Connection

Trial = tuple[UUID, UUID, UUID, str, datetime]


class Mail(TypedDict):
    """A lifecycle message and its deliveries (id and address of each recipient)."""

    request_id: UUID
    partner_id: UUID
    subject_kind: str
    subject_id: UUID
    language: str
    subject: str
    text_body: str
    html_body: str
    reply_to: str | None
    correlation_id: str
    template: str
    now: datetime
    deliveries: list[tuple[UUID, str]]


_MAIL_COLUMNS = tuple(k for k in Mail.__annotations__ if k != "deliveries")


class PgRecipients:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def company(
        self, *, company_id: UUID, kind: str, name: str, contact: Partner | None = None
    ) -> None:
        c = contact or Partner(name=name, phone=None, website=None, support_email=None)
        await self.conn.execute(
            "INSERT INTO recipient_companies (company_id, kind, name, phone, support_email, "
            "website) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (company_id) DO UPDATE SET "
            "name = $3, phone = $4, support_email = $5, website = $6",
            company_id, kind, name, c.phone or None, c.support_email or None, c.website or None,
        )  # fmt: skip

    async def user(
        self, *, user_id: UUID, company_id: UUID, email: str, role: str, active: bool = True
    ) -> None:
        await self.conn.execute(
            "INSERT INTO recipient_users (user_id, company_id, email, role, active) "
            "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (user_id) DO UPDATE SET email = $3, "
            "role = $4, active = $5",
            user_id, company_id, email, role, active,
        )  # fmt: skip

    async def set_active(self, *, user_id: UUID, active: bool) -> None:
        await self.conn.execute(
            "UPDATE recipient_users SET active = $2 WHERE user_id = $1", user_id, active
        )

    async def people(self, *, company_id: UUID) -> list[Person]:
        rows = await self.conn.fetch(
            "SELECT user_id, email, role FROM recipient_users WHERE company_id = $1 AND active",
            company_id,
        )
        return [Person(**dict(r)) for r in rows]

    async def name(self, company_id: UUID) -> str | None:
        value = await self.conn.fetchval(
            "SELECT name FROM recipient_companies WHERE company_id = $1", company_id
        )
        return str(value) if value is not None else None

    async def partner(self, partner_id: UUID) -> Partner:
        row = await self.conn.fetchrow(
            "SELECT name, phone, support_email, website FROM recipient_companies "
            "WHERE company_id = $1",
            partner_id,
        )
        if row is None:
            return Partner(name="", phone=None, website=None, support_email=None)
        return Partner(**dict(row))

    async def service_request(
        self, *, request_id: UUID, customer_id: UUID, partner_id: UUID, title: str, by: UUID
    ) -> None:
        await self.conn.execute(
            "INSERT INTO recipient_service_requests (request_id, customer_id, partner_id, "
            "title, created_by) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
            request_id, customer_id, partner_id, title, by,
        )  # fmt: skip

    async def find_service_request(self, request_id: UUID) -> Any:
        return await self.conn.fetchrow(
            "SELECT partner_id, title, created_by FROM recipient_service_requests "
            "WHERE request_id = $1",
            request_id,
        )

    async def trial(
        self,
        *,
        subscription_id: UUID,
        customer_id: UUID,
        partner_id: UUID,
        service_id: str,
        trial_ends_at: datetime,
    ) -> None:
        await self.add_trials(
            [(subscription_id, customer_id, partner_id, service_id, trial_ends_at)]
        )

    async def add_trials(self, trials: Sequence[Trial]) -> None:
        """(subscription, customer, partner, service, ends at): one statement; a trial
        already known is left alone."""
        await self.conn.execute(
            "INSERT INTO trial_subscriptions (subscription_id, customer_id, partner_id, "
            "service_id, trial_ends_at) SELECT * FROM unnest($1::uuid[], $2::uuid[], "
            "$3::uuid[], $4::text[], $5::timestamptz[]) ON CONFLICT DO NOTHING",
            *zip(*trials, strict=True),
        )

    async def trial_over(self, *, subscription_id: UUID, state: str) -> None:
        await self.conn.execute(
            "UPDATE trial_subscriptions SET state = $2 WHERE subscription_id = $1",
            subscription_id,
            state,
        )

    async def trials_due(self, *, until: datetime, now: datetime, limit: int) -> list[Any]:
        """Trials ending before ``until`` not yet warned of; marked warned in the same
        transaction (SKIP LOCKED: two sweeping copies never take the same one)."""
        return list(
            await self.conn.fetch(
                "WITH due AS (SELECT subscription_id FROM trial_subscriptions "
                "  WHERE state = 'trial' AND warned_at IS NULL AND trial_ends_at <= $1 "
                "  AND trial_ends_at > $2 ORDER BY trial_ends_at LIMIT $3 "
                "  FOR UPDATE SKIP LOCKED) "
                "UPDATE trial_subscriptions t SET warned_at = $2 FROM due "
                "WHERE t.subscription_id = due.subscription_id "
                "RETURNING t.subscription_id, t.customer_id, t.partner_id, t.service_id, "
                "  t.trial_ends_at",
                until, now, limit,
            )
        )  # fmt: skip

    async def queue(self, **mail: Unpack[Mail]) -> None:
        """The message and one delivery per recipient (``add_mails`` of one)."""
        await self.add_mails([mail])

    async def add_mails(self, mails: Sequence[Mail]) -> None:
        """Each message and one delivery per recipient: one statement per table; what
        exists already is left alone."""
        await self.conn.execute(
            "INSERT INTO mail_requests (request_id, partner_id, sent_by, subject_kind, "
            "subject_id, language, subject, text_body, html_body, reply_to, correlation_id, "
            "created_at, template) SELECT r, p, NULL, k, s, l, sj, t, h, rt, c, n, tp "
            "FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], "
            "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
            "$12::timestamptz[]) AS x(r, p, k, s, l, sj, t, h, rt, c, tp, n) "
            "ON CONFLICT (request_id) DO NOTHING",
            *([cast(dict[str, Any], m)[f] for m in mails] for f in _MAIL_COLUMNS),
        )
        deliveries = [(d, m["request_id"], r, m["now"]) for m in mails for d, r in m["deliveries"]]
        if deliveries:
            await self.conn.execute(
                "INSERT INTO deliveries (delivery_id, request_id, recipient, next_attempt_at, "
                "created_at) SELECT d, q, r, n, n FROM unnest($1::uuid[], $2::uuid[], "
                "$3::text[], $4::timestamptz[]) AS t(d, q, r, n) ON CONFLICT DO NOTHING",
                *zip(*deliveries, strict=True),
            )


class RecipientsOfRun(PgRecipients):
    """The view for a run of events the consumer applies together: who is who for the
    companies they name, read in two queries up front; the trials and the e-mails they queue,
    written in one statement per table by ``flush``."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self._people: dict[UUID, list[Person]] = {}
        self._companies: dict[UUID, dict[str, Any]] = {}
        self._trials: list[Trial] = []
        self._mails: list[Mail] = []

    @classmethod
    async def of(cls, conn: Connection, companies: set[UUID]) -> RecipientsOfRun:
        view = cls(conn)
        ids = sorted(companies)
        for r in await conn.fetch(
            "SELECT company_id, name, phone, support_email, website FROM recipient_companies "
            "WHERE company_id = ANY($1::uuid[])",
            ids,
        ):
            view._companies[r["company_id"]] = dict(r)
        view._people = {i: [] for i in ids}
        for r in await conn.fetch(
            "SELECT company_id, user_id, email, role FROM recipient_users "
            "WHERE company_id = ANY($1::uuid[]) AND active ORDER BY company_id, user_id",
            ids,
        ):
            view._people[r["company_id"]].append(Person(r["user_id"], r["email"], r["role"]))
        return view

    async def people(self, *, company_id: UUID) -> list[Person]:
        if company_id not in self._people:
            self._people[company_id] = await super().people(company_id=company_id)
        return self._people[company_id]

    async def name(self, company_id: UUID) -> str | None:
        if company_id not in self._companies:
            return await super().name(company_id)
        return str(self._companies[company_id]["name"])

    async def partner(self, partner_id: UUID) -> Partner:
        row = self._companies.get(partner_id)
        if row is None:
            return await super().partner(partner_id)
        return Partner(row["name"], row["phone"], row["website"], row["support_email"])

    async def add_trials(self, trials: Sequence[Trial]) -> None:
        self._trials.extend(trials)

    async def add_mails(self, mails: Sequence[Mail]) -> None:
        self._mails.extend(mails)

    async def flush(self) -> None:
        """Write what the run queued: one statement per table."""
        if self._trials:
            await super().add_trials(self._trials)
        if self._mails:
            await super().add_mails(self._mails)
        self._trials, self._mails = [], []
