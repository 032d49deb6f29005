"""The SMTP transport against a real SMTP server (aiosmtpd on loopback): login, and how each
way of failing is classified (temporary: try again later; permanent: give up)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from services.notifications.adapters.smtp import SmtpTransport
from tools.procs import free_port

# Login without TLS is what these tests exercise, on loopback.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Server:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str]]] = []
        self.data_answer = "250 OK"
        self.greetings = 0  # EHLOs: one per connection

    async def handle_EHLO(  # noqa: N802
        self, server: object, session: Any, envelope: object, hostname: str, responses: Any
    ) -> Any:
        self.greetings += 1
        session.host_name = hostname  # aiosmtpd leaves it to a handler with this hook
        return responses

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        if self.data_answer.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.data_answer


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"portal", b"s3cret")
    return AuthResult(success=ok)


def _controller(handler: Server, port: int) -> Controller:
    return Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        auth_required=True,
        auth_require_tls=False,
        authenticator=_authenticator,
    )


@pytest.fixture
def smtp() -> Iterator[tuple[Server, int]]:
    handler, port = Server(), free_port()
    controller = _controller(handler, port)
    controller.start()
    yield handler, port
    controller.stop()


def _message(to: str = "ann@contoso.example") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "no-reply@portal.example"
    message["To"] = to
    message["Subject"] = "s"
    message.set_content("hello")
    return message


async def test_it_logs_in_and_sends_to_the_one_recipient(smtp: tuple[Server, int]) -> None:
    server, port = smtp
    transport = SmtpTransport(host="127.0.0.1", port=port, username="portal", password="s3cret")
    assert await transport.send(_message()) is None
    assert server.received == [("no-reply@portal.example", ["ann@contoso.example"])]


async def test_one_connection_carries_message_after_message(smtp: tuple[Server, int]) -> None:
    server, port = smtp
    transport = SmtpTransport(
        host="127.0.0.1", port=port, username="portal", password="s3cret", connections=1
    )
    for n in range(5):
        assert await transport.send(_message(f"r{n}@contoso.example")) is None
    assert [to for _, [to] in server.received] == [f"r{n}@contoso.example" for n in range(5)]
    assert server.greetings == 1
    await transport.close()


async def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_failure() -> None:
    server, port = Server(), free_port()
    first = _controller(server, port)
    first.start()
    transport = SmtpTransport(
        host="127.0.0.1", port=port, username="portal", password="s3cret", connections=1,
        idle_check=0,
    )  # fmt: skip
    assert await transport.send(_message("before@contoso.example")) is None
    first.stop()  # closes the kept connection; a new server takes the port
    second = _controller(server, port)
    second.start()
    try:
        assert await transport.send(_message("after@contoso.example")) is None
    finally:
        await transport.close()
        second.stop()
    assert [to for _, [to] in server.received] == [
        "before@contoso.example",
        "after@contoso.example",
    ]
    assert server.greetings == 2


async def test_a_refused_login_sends_nothing_and_is_tried_again_later(
    smtp: tuple[Server, int],
) -> None:
    # aiosmtpd answers a wrong password with 535 and then stalls the next mechanism smtplib
    # tries: either way the portal's own login is at fault, not the message.
    server, port = smtp
    transport = SmtpTransport(
        host="127.0.0.1", port=port, username="portal", password="wrong", timeout=3
    )
    refusal = await transport.send(_message())
    assert refusal is not None
    assert refusal.temporary
    assert not refusal.unreachable  # it was reached: the fault is the portal's login
    assert server.received == []


async def test_a_5xx_answer_is_permanent_and_a_4xx_temporary(smtp: tuple[Server, int]) -> None:
    server, port = smtp
    transport = SmtpTransport(host="127.0.0.1", port=port, username="portal", password="s3cret")
    server.data_answer = "554 5.7.1 message refused"
    refusal = await transport.send(_message())
    assert refusal is not None
    assert (refusal.temporary, refusal.answer) == (False, "554 5.7.1 message refused")
    server.data_answer = "452 4.3.1 insufficient storage"
    refusal = await transport.send(_message())
    assert refusal is not None
    assert (refusal.temporary, refusal.answer) == (True, "452 4.3.1 insufficient storage")


async def test_no_server_listening_is_temporary_and_unreachable() -> None:
    refusal = await SmtpTransport(host="127.0.0.1", port=free_port(), timeout=2).send(_message())
    assert refusal is not None
    assert refusal.temporary
    assert refusal.unreachable  # the sender holds off (entrypoints/leased.Hold)
    assert "ConnectionRefusedError" in refusal.answer
