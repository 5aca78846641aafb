"""A threaded loopback WSGI server for the sandbox and end-to-end tests.

`plc-bot run --http` serves with gunicorn; this is for running a fresh app inside one
process (a test, the sandbox) on a free port.
"""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer:
    """Serve a WSGI app on 127.0.0.1 (port 0 = a free one) in a background thread."""

    def __init__(self, wsgi_app: Any, port: int = 0) -> None:
        self._server = make_server(
            "127.0.0.1", port, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="plc-local-server", daemon=True
        )

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
