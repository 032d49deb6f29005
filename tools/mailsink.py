"""``make run``'s mail sink: an SMTP server on loopback that keeps every message it receives
and shows them on a small web page, so that a new user can read the portal's e-mails without
a real mail server. Nothing is relayed anywhere.

    python -m tools.mailsink [--smtp 127.0.0.1:1025] [--http 127.0.0.1:8025]

Messages are also written to ``.run/mail/<n>.eml`` (kept across restarts, shown again).
Mailpit (the sink docker-compose uses) was the first choice here too, but its Go module
(github.com/axllent/mailpit v1.33.1) ships without its built web UI (``server/ui/dist``),
so a binary built from the module proxy serves an empty page.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tools.procs import ROOT

MAIL_DIR = ROOT / ".run" / "mail"
SMTP_PORT = 1025  # Mailpit's ports, so a docker-compose user finds the same addresses
WEB_PORT = 8025
PART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'"
STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;"
    "border-bottom:1px solid #ddd;vertical-align:top}pre{white-space:pre-wrap;background:#f6f6f6;"
    "padding:1rem}iframe{width:100%;height:32rem;border:1px solid #ddd}.muted{color:#666}"
)


@dataclass(frozen=True)
class Received:
    number: int
    raw: bytes
    recipients: tuple[str, ...]

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def summary(self) -> dict[str, Any]:
        m = self.message
        return {
            "number": self.number,
            "from": str(m.get("From", "")),
            "to": str(m.get("To", "")),
            "envelope_to": list(self.recipients),
            "subject": str(m.get("Subject", "")),
            "date": str(m.get("Date", "")),
        }


class Mailbox:
    """The received messages, in order; filled by the SMTP thread, read by the web page."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self.messages: list[Received] = []
        directory.mkdir(parents=True, exist_ok=True)
        for path in sorted(directory.glob("*.eml"), key=lambda p: int(p.stem)):
            to = path.with_suffix(".rcpt")
            recipients = tuple(to.read_text().split()) if to.exists() else ()
            self.messages.append(Received(int(path.stem), path.read_bytes(), recipients))

    def add(self, raw: bytes, recipients: list[str]) -> Received:
        with self._lock:
            number = (self.messages[-1].number if self.messages else 0) + 1
            received = Received(number, raw, tuple(recipients))
            (self._directory / f"{number}.eml").write_bytes(raw)
            (self._directory / f"{number}.rcpt").write_text("\n".join(recipients))
            self.messages.append(received)
            return received

    def get(self, number: int) -> Received | None:
        return next((m for m in self.messages if m.number == number), None)


class Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self._mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self._mailbox.add(content, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _page(title: str, body: str) -> web.Response:
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return web.Response(
        text=text, content_type="text/html", headers={"Content-Security-Policy": PAGE_CSP}
    )


def _part(message: EmailMessage, kind: str) -> str | None:
    part = message.get_body((kind,))
    return part.get_content() if isinstance(part, EmailMessage) else None


def web_app(mailbox: Mailbox) -> web.Application:
    async def index(request: web.Request) -> web.Response:
        rows = "".join(
            f'<tr><td><a href="/message/{s["number"]}">{html.escape(s["subject"] or "(none)")}'
            f"</a></td><td>{html.escape(s['to'])}</td><td>{html.escape(s['from'])}</td>"
            f'<td class="muted">{html.escape(s["date"])}</td></tr>'
            for s in (m.summary() for m in reversed(mailbox.messages))
        )
        table = (
            "<table><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Date</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
            if rows
            else '<p class="muted">No mail yet. Send an invitation by e-mail from the portal.</p>'
        )
        count = len(mailbox.messages)
        return _page(
            "Demo mail",
            f"<h1>Demo mail</h1><p class='muted'>{count} message(s) received by the local "
            "mail sink; nothing is delivered anywhere. Reload to see new mail.</p>" + table,
        )

    def found(request: web.Request) -> Received:
        number = request.match_info["number"]
        received = mailbox.get(int(number)) if number.isdigit() else None
        if received is None:
            raise web.HTTPNotFound(text="no such message")
        return received

    async def show(request: web.Request) -> web.Response:
        received = found(request)
        m, s = received.message, received.summary()
        text, rich = _part(m, "plain"), _part(m, "html")
        head = "".join(
            f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in (
                ("From", s["from"]),
                ("To", s["to"]),
                ("Delivered to", ", ".join(s["envelope_to"])),
                ("Subject", s["subject"]),
                ("Date", s["date"]),
            )
        )
        n = received.number
        body = (
            f'<p><a href="/">All mail</a> · <a href="/message/{n}.eml">Raw message</a></p>'
            f"<h1>{html.escape(s['subject'] or '(no subject)')}</h1><table>{head}</table>"
        )
        if rich is not None:  # shown sandboxed: no script, no request of its own
            body += (
                f'<h2>HTML</h2><iframe sandbox title="HTML part" src="/message/{n}.html"></iframe>'
            )
        if text is not None:
            body += f"<h2>Text</h2><pre>{html.escape(text)}</pre>"
        return _page(s["subject"] or "Message", body)

    async def rich(request: web.Request) -> web.Response:
        content = _part(found(request).message, "html")
        if content is None:
            raise web.HTTPNotFound(text="no HTML part")
        return web.Response(
            text=content,
            content_type="text/html",
            headers={"Content-Security-Policy": PART_CSP},
        )

    async def raw(request: web.Request) -> web.Response:
        return web.Response(body=found(request).raw, content_type="message/rfc822")

    async def api(request: web.Request) -> web.Response:
        return web.json_response([m.summary() for m in mailbox.messages])

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/api/messages", api)
    app.router.add_get("/message/{number:\\d+}.eml", raw)
    app.router.add_get("/message/{number:\\d+}.html", rich)
    app.router.add_get("/message/{number}", show)
    return app


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def serve(smtp: tuple[str, int], http: tuple[str, int], directory: Path) -> None:
    mailbox = Mailbox(directory)
    controller = Controller(Handler(mailbox), hostname=smtp[0], port=smtp[1])
    controller.start()
    runner = web.AppRunner(web_app(mailbox), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, http[0], http[1]).start()
    print(f"mail sink: SMTP on {smtp[0]}:{smtp[1]}, mail at http://{http[0]}:{http[1]}/")
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        controller.stop()


def start_process(
    log_path: Path,
    *,
    smtp_port: int = SMTP_PORT,
    web_port: int = WEB_PORT,
    directory: Path = MAIL_DIR,
) -> int:
    """Starts the sink in the background (its own process group) and waits until its page
    answers; returns its pid."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    addresses = ["--smtp", f"127.0.0.1:{smtp_port}", "--http", f"127.0.0.1:{web_port}"]
    addresses += ["--dir", str(directory)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.mailsink", *addresses],
        cwd=ROOT,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the mail sink exited with {proc.returncode}; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{web_port}/api/messages", timeout=2).is_success:
                return proc.pid
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise TimeoutError(f"the mail sink did not start; see {log_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smtp", default="127.0.0.1:1025", help="host:port of the SMTP server")
    parser.add_argument("--http", default="127.0.0.1:8025", help="host:port of the web page")
    parser.add_argument("--dir", type=Path, default=MAIL_DIR, help="where messages are kept")
    args = parser.parse_args()
    asyncio.run(serve(_address(args.smtp), _address(args.http), args.dir))


if __name__ == "__main__":
    main()
