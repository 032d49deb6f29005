"""Every password and token the suite handles, so that the end of a run can check that none
of them reached a service's log (``tests/conftest.py``, ``no_secret_in_any_log``)."""

from __future__ import annotations

from pathlib import Path

from tools.seed import DEMO

SEEN: set[str] = {DEMO.password}


def remember(*values: object) -> None:
    """Keep secrets long enough to be unmistakable in a log (short ones would match noise)."""
    SEEN.update(v for v in values if isinstance(v, str) and len(v) >= 8)


def leaked(log_dir: Path) -> list[str]:
    """Which secrets appear in which log file (only a prefix of each is named)."""
    found = []
    for path in sorted(log_dir.glob("*.log")):
        text = path.read_text(errors="replace")
        found += [f"{path.name}: {s[:4]}..." for s in SEEN if s in text]
    return found
