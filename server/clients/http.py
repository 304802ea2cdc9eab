"""One pooled HTTP client for the reward server, sync and async, with retries.

Reward calls sit on the critical path of every RL step, so the client keeps
connections alive (no TCP/TLS handshake per call), bounds every call with a
timeout, and retries what is worth retrying: connection failures, 429 (after
the server's ``Retry-After``) and 502/503/504 from a restarting replica or a
load balancer. A 4xx other than 429 is a bug in the request and raises at once
with the server's message; so does running out of attempts. It never turns a
failed call into a reward of 0: a silent zero would train the policy on noise.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import weakref
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any

import httpx

from verifiers.core.retry import RetryPolicy

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class RewardServerError(RuntimeError):
    """The reward server refused a request or could not be reached after all retries."""


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RewardServerError(
            f"{response.request.url} answered {response.status_code} with a body that is not "
            f"JSON (is the URL the reward server's?): {response.text[:200]!r}"
        ) from exc


def _results(reply: Any) -> list[dict[str, Any]]:
    if not isinstance(reply, dict) or not isinstance(reply.get("results"), list):
        raise RewardServerError(f"not a /v1/rewards reply: {str(reply)[:200]}")
    return reply["results"]


def _error(response: httpx.Response) -> RewardServerError:
    try:
        detail: Any = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    return RewardServerError(f"reward server answered {response.status_code}: {detail}"[:2000])


class RewardClient:
    """Client of ``POST /v1/rewards``: items in the native shape, results as dicts.

    ``batch_size`` splits long lists so no request passes the server's batch
    limit; the async twin sends the chunks concurrently.
    """

    def __init__(
        self,
        url: str | Sequence[str],
        *,
        token: str | None = None,
        timeout_s: float = 180.0,
        connect_timeout_s: float = 10.0,
        attempts: int = 5,
        backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
        batch_size: int = 512,
        max_connections: int = 64,
    ) -> None:
        self.urls = replica_urls(url)
        self.url = self.urls[0]
        self._next_replica = itertools.count()
        self.attempts = max(1, attempts)
        self.policy = RetryPolicy(
            retries=self.attempts - 1,
            retry_status=RETRY_STATUSES,
            backoff_s=backoff_s,
            max_retry_after_s=max_backoff_s,
            max_backoff_s=max_backoff_s,
            jitter=True,
        )
        self.batch_size = max(1, batch_size)
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._sync: httpx.Client | None = None
        self._lock = threading.Lock()
        # One AsyncClient per event loop: an httpx pool must not cross loops.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    # -- plumbing -----------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._sync is None:
                self._sync = httpx.Client(
                    headers=self._headers, timeout=self._timeout, limits=self._limits
                )
            return self._sync

    def _async_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            client = self._async[loop] = httpx.AsyncClient(
                headers=self._headers, timeout=self._timeout, limits=self._limits
            )
        return client

    def _retries(self, path: str) -> Generator[float | None, httpx.Response | Exception, Any]:
        """The retry policy of ``post`` and ``post_async``, with no I/O in it.

        It yields None before the first try and then, after each failed try, the
        seconds to wait before the next; each try's outcome (the response, or the
        ``httpx.TransportError`` it raised) is sent in. It returns the decoded JSON
        of a 2xx, raises at once on a status not worth retrying, and raises once
        the attempts are spent.
        """
        last: BaseException | None = None
        wait: float | None = None
        for attempt in range(self.attempts):
            outcome = yield wait
            response = None
            if isinstance(outcome, httpx.Response):
                response = outcome
                if response.status_code < 300:
                    return _json(response)
                if response.status_code not in self.policy.retry_status:
                    raise _error(response)
                last = _error(response)
            else:
                last = outcome
            if attempt + 1 < self.attempts:
                hint = response.headers.get("retry-after") if response is not None else None
                wait = self.policy.delay(attempt + 1, hint)
        raise RewardServerError(
            f"{','.join(self.urls)}{path}: gave up after {self.attempts} tries: {last}"
        )

    def _replicas(self) -> Iterator[str]:
        """The replica URLs a call tries, starting at the next one in turn (so calls spread
        over the replicas) and moving on after each failed try (so a dead replica costs one
        try, not all of them)."""
        start = next(self._next_replica)
        return (self.urls[(start + i) % len(self.urls)] for i in itertools.count())

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST ``body`` to ``path`` with retries; the decoded JSON reply."""
        policy = self._retries(path)
        replicas = self._replicas()
        wait = next(policy)
        while True:
            if wait is not None:
                time.sleep(wait)
            outcome: httpx.Response | Exception
            try:
                outcome = self._client().post(next(replicas) + path, json=body)
            except httpx.TransportError as exc:
                outcome = exc
            try:
                wait = policy.send(outcome)
            except StopIteration as done:
                return done.value

    async def post_async(self, path: str, body: Mapping[str, Any]) -> Any:
        """The asyncio twin of ``post``."""
        policy = self._retries(path)
        replicas = self._replicas()
        wait = next(policy)
        while True:
            if wait is not None:
                await asyncio.sleep(wait)
            outcome: httpx.Response | Exception
            try:
                outcome = await self._async_client().post(next(replicas) + path, json=body)
            except httpx.TransportError as exc:
                outcome = exc
            try:
                wait = policy.send(outcome)
            except StopIteration as done:
                return done.value

    # -- the native endpoint ------------------------------------------------------------

    def _chunks(self, items: Sequence[Mapping[str, Any]]) -> list[Sequence[Mapping[str, Any]]]:
        return [items[i : i + self.batch_size] for i in range(0, len(items), self.batch_size)]

    def score(self, items: Sequence[Mapping[str, Any]], **batch: Any) -> list[dict[str, Any]]:
        """One result dict per item (``total``, ``components``, ``verdicts``, ``status``...).

        ``batch`` holds request-level fields: ``timeout_s``, ``length_penalty``,
        default ``spec`` and ``task``. Items of one group must share a chunk, so
        keep groups contiguous and the batch size a multiple of the group size.
        """
        results: list[dict[str, Any]] = []
        for chunk in self._chunks(items):
            reply = self.post("/v1/rewards", {**_fields(batch), "items": list(chunk)})
            results.extend(_results(reply))
        return results

    async def score_async(
        self, items: Sequence[Mapping[str, Any]], **batch: Any
    ) -> list[dict[str, Any]]:
        replies = await asyncio.gather(
            *(
                self.post_async("/v1/rewards", {**_fields(batch), "items": list(chunk)})
                for chunk in self._chunks(items)
            )
        )
        return [result for reply in replies for result in _results(reply)]

    def close(self) -> None:
        with self._lock:
            if self._sync is not None:
                self._sync.close()
                self._sync = None

    async def aclose(self) -> None:
        client = self._async.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()


def replica_urls(url: str | Sequence[str]) -> list[str]:
    """Replica base URLs from one URL, a comma-separated list (as OpenRLHF's
    ``--reward.remote_url`` takes them) or a sequence."""
    parts = url.split(",") if isinstance(url, str) else list(url)
    urls = [u.strip().rstrip("/") for u in parts if u and u.strip()]
    if not urls:
        raise ValueError(f"no reward server URL in {url!r}")
    return urls


def _fields(batch: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if v is not None}
