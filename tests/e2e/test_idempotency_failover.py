"""An Idempotency-Key whose first request died with its gateway: the gateway had reserved the
key (and perhaps sent the command), then was killed before answering. The key stays "in flight"
only as long as a request may take (a retry before that is told to wait); after it, a retry
takes the key over and sends the same command id, which the owning service applies once: the
retry is answered with what the first request did, or does it if the first never got so far.
Never a second effect."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import orjson
from aiokafka import AIOKafkaProducer

from services.gateway.adapters.idempotency import fingerprint
from services.gateway.security import SESSION_COOKIE
from shared.contracts.invitations import CreateTrialInvitation
from shared.contracts.topics import INVITATIONS_COMMANDS
from shared.messaging.client import ids_for
from shared.messaging.envelope import encode, headers_for, kafka_headers
from tests.conftest import BOOTSTRAP
from tests.e2e.test_api_conventions import NEW_INVITATION, assert_problem
from tests.support.portal import Portal
from tests.support.wait import eventually

PATH = "/api/partner/invitations"
BODY = orjson.dumps(NEW_INVITATION)
JSON = {"content-type": "application/json"}


async def _reserved(database: str, partner: Portal, key: str, *, seconds_ago: int) -> None:
    """The key as a first request's gateway left it: reserved for this request, unanswered."""
    owner = fingerprint("owner", partner.http.cookies[SESSION_COOKIE], b"").hex()
    connection = await asyncpg.connect(database)
    try:
        await connection.execute(
            "INSERT INTO gateway.idempotency_keys (owner, key, request, created_at) "
            "VALUES ($1, $2, $3, now() - make_interval(secs => $4))",
            owner,
            key,
            fingerprint("POST", PATH, BODY),
            seconds_ago,
        )
    finally:
        await connection.close()


async def _created_since(partner: Portal, since: datetime) -> list[str]:
    listed = (await partner.get(PATH, params={"limit": 50})).json()["items"]
    return [i["invitation_id"] for i in listed if datetime.fromisoformat(i["created_at"]) >= since]


async def _retry(partner: Portal, key: str) -> dict[str, object]:
    response = await partner.post(PATH, content=BODY, headers={**JSON, "Idempotency-Key": key})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _now(database: str) -> datetime:
    connection = await asyncpg.connect(database)
    try:
        return await connection.fetchval("SELECT now()")  # type: ignore[no-any-return]
    finally:
        await connection.close()


async def test_a_key_in_flight_waits_and_one_left_by_a_dead_gateway_is_taken_over(
    partner: Portal, database: str
) -> None:
    key = f"fresh-{uuid.uuid4().hex}"
    await _reserved(database, partner, key, seconds_ago=1)
    early = await partner.post(PATH, content=BODY, headers={**JSON, "Idempotency-Key": key})
    assert_problem(early, 409, "idempotency_key_in_flight")

    # Died before sending anything: the retry does it, once.
    since = await _now(database)
    key = f"died-early-{uuid.uuid4().hex}"
    await _reserved(database, partner, key, seconds_ago=600)
    first = await _retry(partner, key)
    assert await _created_since(partner, since) == [first["invitation_id"]]
    again = await partner.post(PATH, content=BODY, headers={**JSON, "Idempotency-Key": key})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first


async def test_a_retry_after_the_command_was_sent_gets_its_outcome_and_no_second_effect(
    partner: Portal, database: str
) -> None:
    since = await _now(database)
    key = f"died-late-{uuid.uuid4().hex}"
    owner = fingerprint("owner", partner.http.cookies[SESSION_COOKIE], b"").hex()
    # The dead gateway's command, with the id a request of this key gives it.
    command = CreateTrialInvitation(
        invitation_id=uuid.uuid4(),
        partner_id=uuid.UUID(partner.company_id),
        created_by=uuid.UUID(partner.user_id),
        **NEW_INVITATION,
    )
    headers = headers_for(
        command,
        source="gateway-killed",
        correlation_id=str(uuid.uuid4()),
        message_id=ids_for(owner, key)(command.ce_type()),
    )
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            INVITATIONS_COMMANDS,
            encode(command),
            key=command.partition_key().encode(),
            headers=kafka_headers(headers),
        )
    finally:
        await producer.stop()
    await _reserved(database, partner, key, seconds_ago=600)
    done = f"{PATH}/{command.invitation_id}"
    await eventually(lambda: _found(partner, done))  # it was applied (and its outcome seen)

    answer = await _retry(partner, key)
    assert answer["invitation_id"] == str(command.invitation_id)
    assert await _created_since(partner, since) == [str(command.invitation_id)]


async def _found(partner: Portal, path: str) -> bool:
    return (await partner.get(path)).status_code == 200
