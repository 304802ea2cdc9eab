"""Prometheus metrics of one app: its own registry, so two apps never collide.

What an operator needs when an RL step slows down: request rates and latency
per route, how many items time out or error per verifier (a CAS bomb or a
hanging program shows up here first), the queue in front of the workers, the
cache hit rate and how often workers had to be replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """Counters, histograms and gauges of the reward server."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "rlvr_requests", "HTTP requests by route and status code", ["route", "code"], registry=r
        )
        self.latency = Histogram(
            "rlvr_request_seconds",
            "HTTP request latency by route",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.items = Counter(
            "rlvr_items", "scored items by task and result status", ["task", "status"], registry=r
        )
        self.verifier_timeouts = Counter(
            "rlvr_verifier_timeouts", "items killed at their time limit", ["verifier"], registry=r
        )
        self.verifier_errors = Counter(
            "rlvr_verifier_errors", "verifier failures (bugs, crashes)", ["verifier"], registry=r
        )
        self.item_seconds = Histogram(
            "rlvr_item_seconds",
            "time from admission to result per uncached item",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.cache = Counter("rlvr_cache", "verdict cache lookups", ["outcome"], registry=r)
        self.rejected = Counter(
            "rlvr_rejected", "requests refused with 429 (saturated)", registry=r
        )
        self.queue_depth = Gauge(
            "rlvr_queue_depth", "verification jobs waiting for a worker", registry=r
        )
        self.pending_items = Gauge(
            "rlvr_pending_items", "items admitted and not yet finished", registry=r
        )
        self.busy_workers = Gauge("rlvr_busy_workers", "workers running a job", registry=r)
        self.worker_restarts = Gauge(
            "rlvr_worker_restarts", "workers replaced after a kill or crash", registry=r
        )

        self.item_wait = Histogram(
            "rlvr_item_queue_wait_seconds",
            "time an item waited in the fair queue before a worker started it",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.request_wait = Histogram(
            "rlvr_request_queue_wait_seconds",
            "per request, the longest queue wait of its items (fairness: one request's "
            "slow items should not show up in another's wait)",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.oldest_wait = Gauge(
            "rlvr_queue_oldest_wait_seconds", "age of the oldest job waiting", registry=r
        )
        self.pending_work = Gauge(
            "rlvr_pending_work_seconds",
            "expected worker-seconds of the admitted, unfinished items (admission bound)",
            registry=r,
        )
        self.worker_reruns = Gauge(
            "rlvr_worker_reruns",
            "jobs re-run on a fresh worker after theirs froze or died (not the job's fault)",
            registry=r,
        )
        self.worker_start_failures = Gauge(
            "rlvr_worker_start_failures",
            "verification workers that could not be started",
            registry=r,
        )

    def bind_scheduler(
        self,
        oldest_wait: Callable[[], float],
        pending_work: Callable[[], float],
        reruns: Callable[[], float],
        start_failures: Callable[[], float],
    ) -> None:
        """Read the fair-queue gauges at scrape time."""
        self.oldest_wait.set_function(oldest_wait)
        self.pending_work.set_function(pending_work)
        self.worker_reruns.set_function(reruns)
        self.worker_start_failures.set_function(start_failures)

    def bind_runner(
        self,
        queue_depth: Callable[[], float],
        busy: Callable[[], float],
        restarts: Callable[[], float],
        pending: Callable[[], float],
    ) -> None:
        """Read the gauges from the live runner at scrape time."""
        self.queue_depth.set_function(queue_depth)
        self.busy_workers.set_function(busy)
        self.worker_restarts.set_function(restarts)
        self.pending_items.set_function(pending)

    def render(self) -> bytes:
        return generate_latest(self.registry)
