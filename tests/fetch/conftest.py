"""The fetch tests talk to 127.0.0.1 only: any other connection fails the test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in {socket.AF_INET, socket.AF_INET6} and host not in {
            "127.0.0.1", "::1", "localhost"}:
        raise AssertionError(f"a test tried to connect to {address!r}")
    return _connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connections to any host but this one."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield


@pytest.fixture(scope="package")
def make_httpserver() -> Iterator[HTTPServer]:
    """The feed server on 127.0.0.1, stopped after the last fetch test.

    pytest-httpserver's own lives for the whole session, and its thread would keep
    digest.parallel from forking workers (it forks only a one-thread process) in every
    test that runs after these."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
