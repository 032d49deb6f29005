"""The document as the YAML text committed at docs/asyncapi.yaml."""

from __future__ import annotations

import yaml

from tools.asyncapi.document import ROOT, build

DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
REGENERATE = ".venv/bin/python -m tools.asyncapi"
_HEADER = f"# Generated from shared/contracts by `{REGENERATE}`; do not edit by hand.\n"


class _Dumper(yaml.SafeDumper):
    """Block style, and no anchors: a reader (or a parser) sees every value where it is."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def render() -> str:
    body = yaml.dump(build(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return _HEADER + body
