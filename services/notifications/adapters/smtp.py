"""Real SMTP through a configurable server: stdlib smtplib on threads of its own (one
connection each, kept open from message to message), optional STARTTLS and login. Every way
a message can fail to go becomes a ``Refusal`` saying whether a later try may succeed.

A kept connection is checked with ``NOOP`` before a message when it has been idle (the
server may have closed it meanwhile); one that fails the check is replaced before anything of
the message is sent, so a closed connection never costs a message an attempt. A connection
that breaks during a message is closed and the message is a temporary failure, as before."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from services.notifications.domain.model import Refusal


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> Refusal | None:
        """None when the server accepted the message."""
        ...

    async def close(self) -> None:
        """At shutdown: what it keeps open (connections to the server)."""
        ...


@dataclass(eq=False)
class SmtpTransport:
    host: str
    port: int
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0
    connections: int = 4  # messages in conversation at once, each on its own connection
    idle_check: float = 2.0  # seconds idle after which a kept connection is checked first
    _threads: ThreadPoolExecutor = field(init=False, repr=False)
    _kept: threading.local = field(init=False, repr=False, default_factory=threading.local)

    def __post_init__(self) -> None:
        self._threads = ThreadPoolExecutor(self.connections, thread_name_prefix="smtp")

    async def send(self, message: EmailMessage) -> Refusal | None:
        return await asyncio.get_running_loop().run_in_executor(self._threads, self._send, message)

    async def close(self) -> None:
        """Say QUIT on every kept connection and stop the threads."""
        for _ in range(self.connections):
            self._threads.submit(self._drop, True)
        await asyncio.to_thread(self._threads.shutdown, wait=True)

    def _connection(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP | None = getattr(self._kept, "smtp", None)
        if smtp is not None and time.monotonic() - self._kept.used > self.idle_check:
            try:
                if smtp.noop()[0] != 250:
                    raise smtplib.SMTPServerDisconnected("NOOP refused")
            except (smtplib.SMTPException, OSError):
                self._drop(False)
                smtp = None
        if smtp is None:
            try:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            except (smtplib.SMTPConnectError, OSError) as exc:
                raise _Unreachable(_describe(exc)) from exc
            self._kept.smtp = smtp  # before STARTTLS and login: a failure there closes it
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
        return smtp

    def _drop(self, polite: bool) -> None:
        smtp: smtplib.SMTP | None = getattr(self._kept, "smtp", None)
        self._kept.smtp = None
        if smtp is None:
            return
        try:
            smtp.quit() if polite else smtp.close()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _send(self, message: EmailMessage) -> Refusal | None:
        try:
            refused = self._connection().send_message(message)
        except _Unreachable as exc:  # no connection, no greeting: nothing of it was sent
            return Refusal(answer=str(exc), temporary=True, unreachable=True)
        except smtplib.SMTPRecipientsRefused as exc:
            # One recipient per message: its refusal is the message's. The conversation
            # was reset (RSET): the connection goes on.
            code, answer = next(iter(exc.recipients.values()))
            return self._answered(Refusal.from_code(code, _text(answer)))
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as exc:
            # The portal's own login or TLS settings, not the recipient: an operator fixes
            # them, and the message goes then, within its attempts.
            self._drop(False)
            return Refusal(answer=f"{_describe(exc)}", temporary=True)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            self._drop(False)
            return Refusal(answer=_describe(exc), temporary=True)
        except smtplib.SMTPResponseException as exc:
            # The server answered (a sender or data refusal); smtplib reset the conversation.
            if exc.smtp_code == 421:  # the server is closing this connection
                self._drop(False)
                return Refusal.from_code(exc.smtp_code, _text(exc.smtp_error))
            return self._answered(Refusal.from_code(exc.smtp_code, _text(exc.smtp_error)))
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused or dropped, a timeout, a TLS failure: try again later.
            self._drop(False)
            return Refusal(answer=_describe(exc), temporary=True)
        if refused:
            code, answer = next(iter(refused.values()))
            return self._answered(Refusal.from_code(code, _text(answer)))
        return self._answered(None)

    def _answered(self, refusal: Refusal | None) -> Refusal | None:
        self._kept.used = time.monotonic()
        return refusal


class _Unreachable(Exception):
    """The server could not be reached (refused, timed out, no greeting)."""


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"[:500]
