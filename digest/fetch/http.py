"""A polite HTTP client: timeouts, retries with backoff, a size cap, conditional GET,
and one request per host at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from digest import PROJECT_URL, __version__

USER_AGENT = f"digest/{__version__} (+{PROJECT_URL})"
MAX_BYTES = 10 * 1024 * 1024
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, for a problem line."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry  # a timeout or a dropped connection: worth another try


@dataclass(frozen=True)
class Response:
    """What a GET brought back: the final URL, status, headers (lower-case) and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        """Did the server answer 304 to a conditional GET?"""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """'text/html; charset=utf-8' -> 'text/html'."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Client:
    """httpx with the habits a feed reader owes the sites it reads."""

    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_bytes: int = MAX_BYTES
    max_redirects: int = 5
    sleep: Callable[[float], None] = time.sleep
    _host_locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _locks_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    def __enter__(self) -> Client:
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.timeout), follow_redirects=True,
            max_redirects=self.max_redirects, trust_env=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def get(self, url: str, *, etag: str = "", last_modified: str = "",
            accept: str = "*/*") -> Response:
        """GET url (conditionally when etag/last_modified are given) -> Response, or
        FetchError after the retries; 4xx other than 429 is not retried."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                with self._host_lock(url):
                    response = self._get_once(url, headers)
            except FetchError as err:
                if not err.retry or attempt == self.retries:
                    raise
            else:
                if response.status not in RETRY_STATUS or attempt == self.retries:
                    return response
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def _host_lock(self, url: str) -> threading.Lock:
        """The lock that keeps this client to one connection per host at a time."""
        host = urlsplit(url).netloc.lower()
        with self._locks_lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        """One GET, the body read up to max_bytes (after decompression: no gzip bombs)."""
        if self._http is None:
            raise RuntimeError("use the Client in a with block")
        try:
            with self._http.stream("GET", url, headers=headers) as reply:
                declared = reply.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes and \
                        "content-encoding" not in reply.headers:
                    raise FetchError(f"response of {int(declared):,} bytes is over the "
                                     f"{self.max_bytes:,}-byte limit; not downloaded")
                chunks: list[bytes] = []
                size = 0
                for chunk in reply.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"response is over the {self.max_bytes:,}-byte "
                                         "limit; download stopped")
                    chunks.append(chunk)
                return Response(str(reply.url), reply.status_code,
                                {k.lower(): v for k, v in reply.headers.items()},
                                b"".join(chunks))
        except httpx.TooManyRedirects as err:
            raise FetchError(f"more than {self.max_redirects} redirects") from err
        except httpx.TimeoutException as err:
            raise FetchError(f"timed out after {self.timeout:g} s", retry=True) from err
        except httpx.DecodingError as err:
            raise FetchError(f"the compressed response could not be decoded: {err}") from err
        except httpx.TransportError as err:
            raise FetchError(f"unreachable: {err or type(err).__name__}", retry=True) from err
        except httpx.InvalidURL as err:
            raise FetchError(f"invalid URL: {err}") from err
