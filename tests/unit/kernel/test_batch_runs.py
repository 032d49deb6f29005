"""The consumer hands consecutive messages whose routes share a batch handler to it in one
call, in their order; a message of another route ends the run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from shared.contracts import invitations
from shared.db import Connection
from shared.messaging.consumer import Consumer, MessageContext, Routes, _Batch, _Item
from shared.messaging.envelope import Envelope

A = invitations.TrialInvitationRevoked
B = invitations.TrialInvitationOpened
C = invitations.TrialInvitationCreated


def _routes(calls: list[list[str]]) -> Routes:
    async def together(_: Connection, run: Sequence[tuple[MessageContext, Any]]) -> None:
        calls.append([ctx.envelope.id for ctx, _ in run])

    async def alone(ctx: MessageContext, _: Any) -> None:
        calls.append([ctx.envelope.id])

    routes = Routes(strict=False)
    routes.on(A, batch=together)(alone)
    routes.on(B, batch=together)(alone)
    routes.on(C)(alone)
    return routes


def _item(routes: Routes, model: type[Any], n: int) -> _Item:
    envelope = Envelope(
        id=f"m{n}", type=model.ce_type(), source="t", time="", correlation_id="c",
        causation_id=None, data={},
    )  # fmt: skip
    return _Item(record=cast(Any, None), envelope=envelope, route=routes.routes[model.ce_type()],
                 message=cast(Any, object()))  # fmt: skip


async def test_routes_sharing_a_batch_handler_make_one_run_until_another_route() -> None:
    calls: list[list[str]] = []
    routes = _routes(calls)
    consumer = Consumer(
        name="t", service="t", events_topic="t", routes=routes,
        pool=cast(Any, None), producer=cast(Any, None),
    )  # fmt: skip
    kinds = [A, B, A, C, B, B]
    items = [_item(routes, model, n) for n, model in enumerate(kinds)]
    batch = _Batch()
    await consumer._apply(cast(Any, object()), items, batch, claim_first=False)
    assert calls == [["m0", "m1", "m2"], ["m3"], ["m4", "m5"]]
    assert batch.outcomes["applied"] == len(kinds)
