"""The official AsyncAPI parser (``@asyncapi/parser`` from npm, installed by ``make`` into
tools/asyncapi/node_modules) reads the committed document with no error diagnostic."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tools.asyncapi.render import DOCUMENT

TOOLS = Path(__file__).resolve().parents[3] / "tools" / "asyncapi"
INSTALL = "make tools/asyncapi/node_modules/.installed"


def _validate(document: Path) -> tuple[int, dict[str, list[dict[str, object]]]]:
    node = shutil.which("node")
    assert node, "node is missing (it is on every machine of the project)"
    assert (TOOLS / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        f"@asyncapi/parser is not installed: run `{INSTALL}`"
    )
    done = subprocess.run(
        [node, str(TOOLS / "validate.mjs"), str(document)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_the_official_parser_finds_no_error_in_the_document() -> None:
    code, report = _validate(DOCUMENT)
    assert report["errors"] == [], json.dumps(report["errors"], indent=1)[:4000]
    assert report["warnings"] == [], json.dumps(report["warnings"], indent=1)[:4000]
    assert code == 0


def test_the_parser_does_report_a_broken_document(tmp_path: Path) -> None:
    """The check can fail: a message reference to nowhere is an error diagnostic."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DOCUMENT.read_text().replace(
            "$ref: '#/components/messages/portal.invitations.CreateTrialInvitation.v1'",
            "$ref: '#/components/messages/portal.invitations.NoSuchCommand.v1'",
            1,
        )
    )
    code, report = _validate(broken)
    assert code == 1
    assert report["errors"]
