"""A loopback relay: a port that pipes every connection to a real server, started when the
test says, so that the server seems unreachable until then (a restart, a start-up race)."""

from __future__ import annotations

import asyncio
import contextlib


async def relay(port: int, to: tuple[str, int]) -> asyncio.Server:
    """Listens on ``port`` and pipes every connection to ``to``."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*to)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    return await asyncio.start_server(accept, "127.0.0.1", port)
