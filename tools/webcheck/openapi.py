"""``python -m tools.webcheck.openapi OUT``: write the gateway's OpenAPI document (JSON) to OUT.

The document comes from the app object itself (``create_app().openapi()``), so no server, Kafka
or database is needed; ``make lint-web`` turns it into the browser code's API types."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from services.gateway.main import create_app


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.webcheck.openapi OUT.json", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(create_app().openapi(), indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
