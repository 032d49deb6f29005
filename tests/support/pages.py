"""Walking a list's pages by its ``next_cursor``."""

from __future__ import annotations

from typing import Any

import httpx


async def walk(
    http: httpx.AsyncClient, path: str, key: str, *, limit: int, **params: Any
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every item's ``key`` in page order, and the pages as answered."""
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": limit}
    while True:
        answer = await http.get(path, params=query)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert set(page) == {"items", "next_cursor"}
        assert len(page["items"]) <= limit
        pages.append(page)
        seen += [str(item[key]) for item in page["items"]]
        if page["next_cursor"] is None:
            return seen, pages
        query = {**params, "limit": limit, "cursor": page["next_cursor"]}
