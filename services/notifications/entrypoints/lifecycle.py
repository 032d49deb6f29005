"""Thin Kafka entrypoints of the lifecycle e-mails: the directory's events keep the
recipients view; the delegation's and the service requests' events queue e-mails; the trial
sweep warns both sides once before a trial ends. Everything runs in the consumer's
transaction (the inbox claim is in it), or in the sweep pass's unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from services.notifications import lifecycle as handlers
from services.notifications.adapters.recipients import PgRecipients, RecipientsOfRun
from services.notifications.domain.commands import Partner
from services.notifications.domain.lifecycle import day, merge
from shared.contracts import delegation as dl
from shared.contracts import directory as dr
from shared.contracts.base import Contract
from shared.db import Connection
from shared.messaging import unit
from shared.messaging.consumer import MessageContext, Routes
from shared.messaging.envelope import new_id

SERVICE = "notifications"
M = TypeVar("M", bound=Contract)


def _contact(p: dr.PartnerProfile) -> Partner:
    return Partner(
        name=p.name,
        phone=p.phone or None,
        website=p.website or None,
        support_email=str(p.support_email) if p.support_email else None,
    )


class _Runs:
    """The events whose handlers read who is who and write trials and e-mails (one of each
    per trial redemption): a run of them, of any of these types, reads who is who for all
    the companies they name in two queries and writes what they queue in one statement per
    table (``RecipientsOfRun``); alone (the careful path), an event is a run of one."""

    def __init__(self, routes: Routes) -> None:
        self._routes = routes
        self._how: dict[type[Any], tuple[Any, Callable[[Any], Iterable[UUID]]]] = {}

    def on(
        self,
        model: type[M],
        one: Callable[[PgRecipients, MessageContext, M], Awaitable[None]],
        companies: Callable[[M], Iterable[UUID]],
    ) -> None:
        self._how[model] = (one, companies)

        async def alone(ctx: MessageContext, m: M) -> None:
            await self.apply(ctx.conn, [(ctx, m)])

        self._routes.on(model, batch=self.apply)(alone)

    async def apply(self, conn: Connection, run: Sequence[tuple[MessageContext, Any]]) -> None:
        named = {c for _, m in run for c in self._how[type(m)][1](m)}
        view = await RecipientsOfRun.of(conn, named)
        for ctx, m in run:
            await self._how[type(m)][0](view, ctx, m)
        await view.flush()


def view_routes(routes: Routes, runs: _Runs) -> None:
    """The directory's events that say who is who."""

    @routes.on(dr.PartnerRegistered)
    async def partner(ctx: MessageContext, m: dr.PartnerRegistered) -> None:
        v = PgRecipients(ctx.conn)
        await v.company(
            company_id=m.partner_id,
            kind="partner",
            name=m.profile.name,
            contact=_contact(m.profile),
        )
        await v.user(
            user_id=m.admin_user_id, company_id=m.partner_id, email=m.admin_email,
            role="global_admin",
        )  # fmt: skip

    @routes.on(dr.PartnerProfileUpdated)
    async def profile(ctx: MessageContext, m: dr.PartnerProfileUpdated) -> None:
        await PgRecipients(ctx.conn).company(
            company_id=m.partner_id,
            kind="partner",
            name=m.profile.name,
            contact=_contact(m.profile),
        )

    @routes.on(dr.CustomerRegistered)
    async def customer(ctx: MessageContext, m: dr.CustomerRegistered) -> None:
        v = PgRecipients(ctx.conn)
        await v.company(company_id=m.customer_id, kind="customer", name=m.name)
        await v.user(
            user_id=m.admin_user_id, company_id=m.customer_id, email=m.admin_email,
            role="global_admin",
        )  # fmt: skip

    @routes.on(dr.PartnerUserCreated)
    @routes.on(dr.PartnerUserUpdated)
    async def partner_user(
        ctx: MessageContext, m: dr.PartnerUserCreated | dr.PartnerUserUpdated
    ) -> None:
        await PgRecipients(ctx.conn).user(
            user_id=m.user_id, company_id=m.partner_id, email=m.email, role=m.company_role
        )

    @routes.on(dr.CustomerUserCreated)
    async def customer_user(ctx: MessageContext, m: dr.CustomerUserCreated) -> None:
        await PgRecipients(ctx.conn).user(
            user_id=m.user_id, company_id=m.customer_id, email=m.email, role=m.company_role
        )

    @routes.on(dr.PartnerUserDisabled)
    @routes.on(dr.CustomerUserDisabled)
    async def disabled(
        ctx: MessageContext, m: dr.PartnerUserDisabled | dr.CustomerUserDisabled
    ) -> None:
        await PgRecipients(ctx.conn).set_active(user_id=m.user_id, active=False)

    @routes.on(dr.PartnerUserEnabled)
    async def enabled(ctx: MessageContext, m: dr.PartnerUserEnabled) -> None:
        await PgRecipients(ctx.conn).set_active(user_id=m.user_id, active=True)

    async def subscription(
        view: PgRecipients, _: MessageContext, m: dr.SubscriptionCreated
    ) -> None:
        if m.state == "trial" and m.trial_ends_at is not None:
            await view.trial(
                subscription_id=m.subscription_id, customer_id=m.customer_id,
                partner_id=m.partner_of_record, service_id=m.service_id,
                trial_ends_at=m.trial_ends_at,
            )  # fmt: skip

    runs.on(dr.SubscriptionCreated, subscription, lambda _: ())

    @routes.on(dr.SubscriptionConverted)
    @routes.on(dr.SubscriptionCancelled)
    @routes.on(dr.SubscriptionExpired)
    async def trial_over(
        ctx: MessageContext,
        m: dr.SubscriptionConverted | dr.SubscriptionCancelled | dr.SubscriptionExpired,
    ) -> None:
        await PgRecipients(ctx.conn).trial_over(subscription_id=m.subscription_id, state="over")


def mail_routes(routes: Routes, runs: _Runs, *, base_url: str) -> None:
    """The events someone must act on."""
    url = base_url.rstrip("/") + "/"

    async def _send(ctx: MessageContext, view: PgRecipients | None = None, **kw: Any) -> None:
        await handlers.queue(
            view or PgRecipients(ctx.conn), url=url, correlation_id=ctx.envelope.correlation_id,
            now=datetime.now(UTC), **kw,
        )  # fmt: skip

    async def requested(view: PgRecipients, ctx: MessageContext, m: dl.DelegationRequested) -> None:
        to = await handlers.customer_admins(view, m.customer_id, exclude=set())
        await _send(
            ctx, view, template="delegation_requested", subject_kind="delegation",
            subject_id=m.request_id, occasion="requested", partner_id=m.partner_id,
            customer_id=m.customer_id, recipients=to, params={},
        )  # fmt: skip

    # One per trial redemption: read and written set-based for a run of them.
    runs.on(dl.DelegationRequested, requested, lambda m: (m.customer_id, m.partner_id))

    async def _to_partner(
        ctx: MessageContext, m: Any, template: Any, occasion: str, **params: str
    ) -> None:
        to = await handlers.partner_admins(PgRecipients(ctx.conn), m.partner_id, exclude=set())
        subject = getattr(m, "request_id", None) or m.relationship_id
        await _send(
            ctx, template=template, subject_kind="delegation", subject_id=subject,
            occasion=occasion, partner_id=m.partner_id, customer_id=m.customer_id,
            recipients=to, params=params,
        )  # fmt: skip

    @routes.on(dl.DelegationApproved)
    async def approved(ctx: MessageContext, m: dl.DelegationApproved) -> None:
        await _to_partner(ctx, m, "delegation_approved", "approved")

    @routes.on(dl.DelegationDeclined)
    async def declined(ctx: MessageContext, m: dl.DelegationDeclined) -> None:
        await _to_partner(ctx, m, "delegation_declined", "declined")

    @routes.on(dl.DelegationRevoked)
    async def revoked(ctx: MessageContext, m: dl.DelegationRevoked) -> None:
        await _to_partner(ctx, m, "delegation_revoked", "revoked")

    @routes.on(dl.DelegationExpiring)
    async def expiring(ctx: MessageContext, m: dl.DelegationExpiring) -> None:
        await _to_partner(
            ctx, m, "delegation_expiring", f"expiring:{m.ends_at.isoformat()}", date=day(m.ends_at)
        )

    async def _both(ctx: MessageContext, *, template: Any, request_id: Any, customer_id: Any,
                    partner_id: Any, title: str, creator: Any, actor: Any, occasion: str,
                    **params: str) -> None:  # fmt: skip
        v = PgRecipients(ctx.conn)
        to = merge(
            await handlers.customer_admins(v, customer_id, exclude={actor}),
            await handlers.partner_admins(v, partner_id, exclude={actor}, also={creator}),
        )
        await _send(
            ctx, template=template, subject_kind="service_request", subject_id=request_id,
            occasion=occasion, partner_id=partner_id, customer_id=customer_id, recipients=to,
            params={"title": title, **params},
        )  # fmt: skip

    @routes.on(dr.ServiceRequestCreated)
    async def sr_created(ctx: MessageContext, m: dr.ServiceRequestCreated) -> None:
        await PgRecipients(ctx.conn).service_request(
            request_id=m.request_id, customer_id=m.customer_id, partner_id=m.partner_id,
            title=m.title, by=m.created_by,
        )  # fmt: skip
        await _both(
            ctx, template="service_request_created", request_id=m.request_id,
            customer_id=m.customer_id, partner_id=m.partner_id, title=m.title,
            creator=m.created_by, actor=m.created_by, occasion="created",
        )  # fmt: skip

    async def _about_known(ctx: MessageContext, m: Any, template: Any, *, actor: Any,
                           occasion: str, **params: str) -> None:  # fmt: skip
        """A later event of a request the view knows (its partner, title and creator come
        from its creation); one of a request it never saw tells no one."""
        sr = await PgRecipients(ctx.conn).find_service_request(m.request_id)
        if sr is None:
            return
        await _both(
            ctx, template=template, request_id=m.request_id, customer_id=m.customer_id,
            partner_id=sr["partner_id"], title=sr["title"], creator=sr["created_by"],
            actor=actor, occasion=occasion, **params,
        )  # fmt: skip

    @routes.on(dr.ServiceRequestStateChanged)
    @routes.on(dr.ServiceRequestStateChangedV2)  # v1 is still on the topic: both are told
    async def sr_state(ctx: MessageContext, m: dr.ServiceRequestStateChanged) -> None:
        await _about_known(
            ctx, m, "service_request_state_changed", actor=m.changed_by,
            occasion=f"state:{m.changed_at.isoformat()}:{m.to_state}", state=m.to_state,
        )  # fmt: skip

    @routes.on(dr.ServiceRequestNoteAdded)
    @routes.on(dr.ServiceRequestNoteAddedV2)
    async def sr_note(ctx: MessageContext, m: dr.ServiceRequestNoteAdded) -> None:
        await _about_known(
            ctx, m, "service_request_note_added", actor=m.author_user_id,
            occasion=f"note:{m.note_id}", note=m.body[:500],
        )  # fmt: skip


def event_routes(*, base_url: str) -> Routes:
    routes = Routes(strict=False)
    runs = _Runs(routes)
    view_routes(routes, runs)
    mail_routes(routes, runs, base_url=base_url)
    return routes


class TrialSweep:
    """Every trial ending within 7 days is told to both sides once (the row is marked in the
    same transaction as its deliveries; their ids come from the subscription)."""

    def __init__(self, *, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/"

    async def sweep_once(self, pool: asyncpg.Pool, *, now: datetime | None = None) -> int:
        """One pass, one unit of work (``unit.periodic_pass``); how many trials it told."""
        moment = now or datetime.now(UTC)

        async def work(ctx: MessageContext) -> Sequence[Any]:
            v = PgRecipients(ctx.conn)
            due = await v.trials_due(until=moment + handlers.TRIAL_WARNING, now=moment, limit=100)
            for t in due:
                to = merge(
                    await handlers.customer_admins(v, t["customer_id"], exclude=set()),
                    await handlers.partner_admins(v, t["partner_id"], exclude=set()),
                )
                await handlers.queue(
                    v, template="trial_ending", subject_kind="subscription",
                    subject_id=t["subscription_id"], occasion="7d", partner_id=t["partner_id"],
                    customer_id=t["customer_id"], recipients=to, url=self.url,
                    params={"service": t["service_id"], "date": day(t["trial_ends_at"])},
                    correlation_id=new_id(), now=moment,
                )  # fmt: skip
            return due

        return len(await unit.periodic_pass(pool, service=SERVICE, name="trials", work=work))
