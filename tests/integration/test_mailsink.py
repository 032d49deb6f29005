"""``make run``'s mail sink (tools/mailsink.py) as a real process: it takes mail over SMTP on
loopback, shows each message on its page (text, HTML sandboxed, raw), keeps it across a
restart, and stops on the signal ``make stop`` sends."""

from __future__ import annotations

import os
import signal
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from tools import mailsink
from tools.procs import free_port


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A running sink on free ports: (SMTP port, web address)."""
    smtp_port, web_port = free_port(), free_port()
    pid = mailsink.start_process(
        tmp_path / "sink.log", smtp_port=smtp_port, web_port=web_port, directory=tmp_path
    )
    yield smtp_port, f"http://127.0.0.1:{web_port}"
    os.killpg(pid, signal.SIGTERM)


def message(to: str, subject: str) -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Partner Portal <no-reply@partner-portal.example>"
    m["To"] = to
    m["Subject"] = subject
    m.set_content("Open https://portal.example/i/abc to start your trial.")
    m.add_alternative("<p>Open <a href='https://portal.example/i/abc'>the link</a>.</p>", "html")
    return m


def test_mail_sent_to_the_sink_can_be_read_on_its_page(sink: tuple[int, str]) -> None:
    smtp_port, web = sink
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
        smtp.send_message(message("nora@northwind.example", "Your trial <Office 365>"))
        smtp.send_message(message("sam@contoso.example", "Second"))
    listed = httpx.get(f"{web}/api/messages").json()
    assert [(m["subject"], m["envelope_to"]) for m in listed] == [
        ("Your trial <Office 365>", ["nora@northwind.example"]),
        ("Second", ["sam@contoso.example"]),
    ]
    index = httpx.get(f"{web}/")
    assert index.status_code == 200
    assert "Your trial &lt;Office 365&gt;" in index.text  # escaped, newest first
    assert index.text.index("Second") < index.text.index("Your trial")
    assert "default-src 'none'" in index.headers["content-security-policy"]
    page = httpx.get(f"{web}/message/1")
    assert "Open https://portal.example/i/abc to start your trial." in page.text
    assert '<iframe sandbox title="HTML part" src="/message/1.html">' in page.text
    rich = httpx.get(f"{web}/message/1.html")
    assert "<a href='https://portal.example/i/abc'>" in rich.text
    assert "sandbox" in rich.headers["content-security-policy"]
    raw = httpx.get(f"{web}/message/2.eml")
    assert raw.headers["content-type"].startswith("message/rfc822")
    assert b"Subject: Second" in raw.content
    assert httpx.get(f"{web}/message/3").status_code == 404


def _listening_on(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_sink_listens_on_loopback_only(sink: tuple[int, str]) -> None:
    smtp_port, web = sink
    web_port = int(web.rsplit(":", 1)[1])
    loopback = "0100007F"  # 127.0.0.1, as the kernel writes it
    assert _listening_on(smtp_port) == {loopback}
    assert _listening_on(web_port) == {loopback}


def test_mail_is_kept_across_a_restart_and_the_sink_stops_on_sigterm(tmp_path: Path) -> None:
    smtp_port, web_port = free_port(), free_port()

    def start() -> int:
        return mailsink.start_process(
            tmp_path / "sink.log", smtp_port=smtp_port, web_port=web_port, directory=tmp_path
        )

    pid = start()
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
        smtp.send_message(message("nora@northwind.example", "Kept"))
    os.killpg(pid, signal.SIGTERM)  # what make stop does
    os.waitpid(pid, 0)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{web_port}/api/messages", timeout=2)
    pid = start()
    try:
        listed = httpx.get(f"http://127.0.0.1:{web_port}/api/messages").json()
        assert [m["subject"] for m in listed] == ["Kept"]
    finally:
        os.killpg(pid, signal.SIGTERM)
