"""Statements written from a column list, and their arguments taken from a model's fields
of the same names (enums by value): one list says both what is stored and in what order.

A column list is split once (cached), and statements are meant to be built once, at import:
writing a row costs no more than listing its fields by hand."""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any


@cache
def names(columns: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in columns.split(","))


def insert(table: str, columns: str) -> str:
    """``INSERT INTO table (columns) VALUES ($1, …)``."""
    marks = ", ".join(f"${i}" for i in range(1, len(names(columns)) + 1))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def update(table: str, key: str, columns: str) -> str:
    """``UPDATE table SET column = $2, … WHERE key = $1``."""
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(names(columns), start=2))
    return f"UPDATE {table} SET {sets} WHERE {key} = $1"


def values(model: object, columns: str, **stored: Any) -> list[Any]:
    """The model's fields named by ``columns``, in their order; an enum by its value.
    ``stored`` gives a column's value where it is not the field's (e.g. a JSON form)."""
    found = (stored[c] if c in stored else getattr(model, c) for c in names(columns))
    return [v.value if isinstance(v, Enum) else v for v in found]
