"""Real SMTP mail through a configurable server (stdlib smtplib, off the event loop)."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage


class Mailer:
    def __init__(self, *, host: str, port: int, sender: str) -> None:
        self._host = host
        self._port = port
        self._sender = sender

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=10) as smtp:
            smtp.send_message(message)

    async def send(self, *, to: list[str], subject: str, body: str, reply_to: str | None) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = ", ".join(to)
        message["Subject"] = subject
        if reply_to:
            message["Reply-To"] = reply_to
        message.set_content(body)
        await asyncio.to_thread(self._send, message)
