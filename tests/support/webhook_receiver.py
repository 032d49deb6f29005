"""A real webhook receiver on loopback (aiohttp), answering from a script of statuses."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web


class Receiver:
    """Answers each POST with the next status of ``script`` (then 200); keeps every request's
    headers and body."""

    def __init__(self) -> None:
        self.script: list[int] = []
        self.got: list[tuple[dict[str, str], str]] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.got.append((dict(request.headers), body))
        return web.Response(status=self.script.pop(0) if self.script else 200)


@contextlib.asynccontextmanager
async def receiving(path: str = "/hook") -> AsyncIterator[Receiver]:
    recv = Receiver()
    app = web.Application()
    app.router.add_post(path, recv.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    recv.url = f"http://127.0.0.1:{runner.addresses[0][1]}{path}"
    try:
        yield recv
    finally:
        await runner.cleanup()
