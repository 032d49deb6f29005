"""The role table in the service README says exactly what ROLE_TABLE enforces."""

from __future__ import annotations

from pathlib import Path

from services.directory.domain.roles import ROLE_TABLE, Action, CompanyRole, Targets

README = Path(__file__).resolve().parents[3] / "services" / "directory" / "README.md"
COLUMNS = [
    CompanyRole.GLOBAL_ADMIN,
    CompanyRole.USER_MANAGEMENT_ADMIN,
    CompanyRole.PASSWORD_ADMIN,
    None,  # Billing / Service admin, none: never allowed
]


def documented() -> dict[tuple[Action, CompanyRole], Targets]:
    rules: dict[tuple[Action, CompanyRole], Targets] = {}
    by_text = {t.value: t for t in Targets} | {"yes": Targets.ANY}
    for line in README.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not cells[0].startswith("`") or len(cells) != 5:
            continue
        action = Action(cells[0].split("`")[1])
        for role, cell in zip(COLUMNS, cells[1:], strict=True):
            if cell != "—":
                assert role is not None, f"{action.value}: the last column must stay empty"
                rules[(action, role)] = by_text[cell]
    return rules


def test_readme_role_table_matches_the_code() -> None:
    assert documented() == ROLE_TABLE
