"""Real SMTP through a configurable server: stdlib smtplib off the event loop, optional
STARTTLS and login. Every way a message can fail to go becomes a ``Refusal`` saying
whether a later try may succeed."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from services.notifications.domain.model import Refusal


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> Refusal | None:
        """None when the server accepted the message."""
        ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0

    async def send(self, message: EmailMessage) -> Refusal | None:
        return await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> Refusal | None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            # One recipient per message: its refusal is the message's.
            code, answer = next(iter(exc.recipients.values()))
            return Refusal.from_code(code, _text(answer))
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as exc:
            # The portal's own login or TLS settings, not the recipient: an operator fixes
            # them, and the message goes then, within its attempts.
            return Refusal(answer=f"{_describe(exc)}", temporary=True)
        except smtplib.SMTPResponseException as exc:
            return Refusal.from_code(exc.smtp_code, _text(exc.smtp_error))
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused or dropped, a timeout, a TLS failure: try again later.
            return Refusal(answer=_describe(exc), temporary=True)
        if refused:
            code, answer = next(iter(refused.values()))
            return Refusal.from_code(code, _text(answer))
        return None


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"[:500]
