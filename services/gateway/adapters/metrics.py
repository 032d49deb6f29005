"""Prometheus ``/metrics`` on its own port (loopback by default), never on the public one.

prometheus_client's own server runs in a thread: a scrape does not wait for the event loop,
and the public port has no route that could expose the metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Thread
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from shared.logging import get_logger

log = get_logger(__name__)


@dataclass
class MetricsServer:
    host: str
    port: int
    _server: WSGIServer | None = None
    _thread: Thread | None = None

    def start(self) -> None:
        if self.port == 0:
            log.info("metrics_off")
            return
        self._server, self._thread = start_http_server(self.port, addr=self.host)
        log.info("metrics_listening", host=self.host, port=self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
