"""Per-user portal preferences the gateway keeps itself (today: the language)."""

from __future__ import annotations

from uuid import UUID

import asyncpg


class PreferenceStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def language(self, *, user_id: UUID) -> str | None:
        value: str | None = await self._pool.fetchval(
            "SELECT language FROM user_preferences WHERE user_id = $1", user_id
        )
        return value

    async def set_language(self, *, user_id: UUID, language: str) -> None:
        await self._pool.execute(
            "INSERT INTO user_preferences (user_id, language) VALUES ($1, $2) "
            "ON CONFLICT (user_id) DO UPDATE SET language = $2, updated_at = now()",
            user_id,
            language,
        )
