"""``python -m tools.asyncapi``: write docs/asyncapi.yaml; ``--check``: exit 1 if stale."""

from __future__ import annotations

import sys

from tools.asyncapi.render import DOCUMENT, REGENERATE, render


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
            print(f"{DOCUMENT} is stale; regenerate it with `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
