"""Benchmark: math rewards through the HTTP server vs the same verifications in-process.

Run:  .venv/bin/python benchmarks/server_bench.py [--workers 2] [--quick]

One run measures, for concurrency 1, 8 and 64 and for requests of 1 item
(the OpenRLHF/slime pattern) and of 64 items (batched trainers):
- HTTP: ``reward-server`` started as its own process (uvicorn, cache off),
  called with pooled ``httpx.AsyncClient`` connections;
- in-process: ``compute_rewards_async`` on a ``BoundedRunner`` with the same
  worker count, called with the same concurrency and batches.
The two modes alternate over three rounds so background load hits both alike.
Reported: rewards/s, p50/p99 latency per request, and the HTTP overhead per
sample (p50 HTTP minus p50 in-process, divided by the batch size).

Then an overload burst: a second server with a small pending-item bound gets
single-item requests at 10x the measured sustainable rate (open loop); the
count of each status code is reported. Target: no 5xx and no transport
errors (429 with Retry-After is the intended answer to overload).
Uses the math verifier when it is installed, else the format verifier.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
TASK = "math" if importlib.util.find_spec("verifiers.math") else "format"


def make_items(n: int) -> list[dict[str, Any]]:
    """Distinct, realistic math responses (right and wrong, several spellings)."""
    items = []
    for i in range(n):
        a, b = i % 97 + 1, i % 13 + 2
        spelled = [f"\\frac{{{a}}}{{{b}}}", f"{a}/{b}", f"{a / b:.6f}", f"\\boxed{{{a + 1}}}"][
            i % 4
        ]
        answer = spelled if spelled.startswith("\\boxed") else f"\\boxed{{{spelled}}}"
        response = (
            f"<think>Divide {a} by {b} and simplify, step {i}.</think> The answer is {answer}."
        )
        items.append({"response": response, "reference": f"\\frac{{{a}}}{{{b}}}", "task": TASK})
    return items


Post = Callable[[str, dict[str, Any]], Awaitable[int]]


@contextlib.asynccontextmanager
async def http_client(kind: str, url: str, connections: int) -> AsyncIterator[Post]:
    """``post(path, body) -> status`` over pooled keep-alive connections.

    aiohttp is the default load generator when installed: httpx's async pool
    costs the client more CPU per request than the server spends, which on a
    small machine would measure the client, not the server.
    """
    if kind == "aiohttp":
        import aiohttp

        connector = aiohttp.TCPConnector(limit=connections)
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as session:

            async def post(path: str, body: dict[str, Any]) -> int:
                async with session.post(path, json=body) as reply:
                    await reply.read()
                    return reply.status

            yield post
        return
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def post(path: str, body: dict[str, Any]) -> int:
            return (await client.post(path, json=body)).status_code

        yield post


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def closed_loop(
    call: Callable[[list[dict[str, Any]]], Any],
    batches: list[list[dict[str, Any]]],
    concurrency: int,
) -> tuple[float, list[float]]:
    """Run ``call`` over ``batches`` with ``concurrency`` in flight; (wall seconds, latencies)."""
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            batch = queue.get_nowait()
            start = time.perf_counter()
            await call(batch)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start, latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server_process(workers: int, **settings: Any) -> Iterator[str]:
    """``reward-server`` in its own process, configured by a temporary YAML file."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as config:
        for key, value in {"cache_size": 0, "log_level": "warning", **settings}.items():
            config.write(f"{key}: {value}\n")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "--config",
            config.name,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("reward server did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        os.unlink(config.name)


def row(mode: str, conc: int, size: int, wall: float, lat: list[float], n_items: int) -> dict:
    return {
        "mode": mode,
        "concurrency": conc,
        "batch": size,
        "rewards_s": n_items / wall,
        "p50_ms": percentile(lat, 0.5) * 1000,
        "p99_ms": percentile(lat, 0.99) * 1000,
    }


async def measure(
    url: str, workers: int, plan: list[tuple[int, int, int]], client_kind: str
) -> list[dict]:
    from verifiers.core.reward_batch import RewardItem, compute_rewards_async
    from verifiers.core.runner import BoundedRunner

    rows = []
    runner = BoundedRunner(workers)
    runner.warm_up()
    async with http_client(client_kind, url, 64) as post:

        async def over_http(batch: list[dict[str, Any]]) -> None:
            status = await post("/v1/rewards", {"items": batch})
            if status != 200:
                raise RuntimeError(f"reward server answered {status}")

        async def in_process(batch: list[dict[str, Any]]) -> None:
            await compute_rewards_async(
                [RewardItem(i["response"], i["reference"], task=i["task"]) for i in batch],
                timeout_s=10,
                runner=runner,
            )

        for conc, size, n_requests in plan:
            batches = [make_items(size) for _ in range(n_requests)]
            await closed_loop(over_http, batches[: max(2, conc)], conc)  # warm connections
            # Alternate the two modes over ROUNDS slices, so that background load on a
            # shared machine hits both alike; totals are summed over the rounds.
            walls = {"http": 0.0, "in-process": 0.0}
            latencies: dict[str, list[float]] = {"http": [], "in-process": []}
            per_round = max(conc, len(batches) // ROUNDS)
            for start in range(0, len(batches), per_round):
                chunk = batches[start : start + per_round]
                for mode, call in (("http", over_http), ("in-process", in_process)):
                    wall, lat = await closed_loop(call, chunk, conc)
                    walls[mode] += wall
                    latencies[mode] += lat
            for mode in ("http", "in-process"):
                rows.append(
                    row(mode, conc, size, walls[mode], latencies[mode], size * len(batches))
                )
    runner.close()
    return rows


async def burst(url: str, rate: float, seconds: float, client_kind: str) -> Counter:
    """Open loop: send single-item requests at ``rate`` per second, whatever comes back."""
    codes: Counter = Counter()
    items = make_items(1000)
    async with http_client(client_kind, url, 1000) as post:

        async def one(i: int) -> None:
            try:
                codes[str(await post("/v1/rewards", {"items": [items[i % len(items)]]}))] += 1
            except Exception as exc:  # a refused or broken connection is a failure to count
                codes[f"transport:{type(exc).__name__}"] += 1

        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    return codes


def print_rows(rows: list[dict]) -> None:
    print("| mode | concurrency | items/request | rewards/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['mode']} | {r['concurrency']} | {r['batch']} | {r['rewards_s']:.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} |"
        )


def overhead_table(rows: list[dict]) -> None:
    """Two views of the HTTP cost per sample.

    - latency: (p50 over HTTP - p50 in-process) / items per request; exact when
      nothing queues (concurrency 1), inflated by queueing otherwise;
    - throughput: 1/(HTTP rewards/s) - 1/(in-process rewards/s), the CPU time
      HTTP adds per sample when the machine is saturated.
    """
    print("\n| concurrency | items/request | overhead/sample from p50 | from throughput |")
    print("|---|---|---|---|")
    by_key = {(r["mode"], r["concurrency"], r["batch"]): r for r in rows}
    for (mode, conc, size), r in by_key.items():
        if mode != "http":
            continue
        local = by_key[("in-process", conc, size)]
        from_latency = (r["p50_ms"] - local["p50_ms"]) / size
        from_rate = 1000 / r["rewards_s"] - 1000 / local["rewards_s"]
        print(f"| {conc} | {size} | {from_latency:.3f} ms | {from_rate:.3f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument(
        "--client",
        choices=["aiohttp", "httpx"],
        default="aiohttp" if importlib.util.find_spec("aiohttp") else "httpx",
        help="load generator (aiohttp when installed: cheaper per request than httpx)",
    )
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    plan = [
        (conc, size, max(conc, int(n * scale)))
        for conc, size, n in [
            (1, 1, 300),
            (8, 1, 800),
            (64, 1, 1500),
            (1, 64, 30),
            (8, 64, 48),
            (64, 64, 96),
        ]
    ]
    print(
        f"task={TASK} workers={args.workers} cpus={os.cpu_count()} "
        f"python={sys.version.split()[0]} client={args.client}\n"
    )
    with server_process(args.workers, max_pending_items=8192, max_batch_items=4096) as url:
        rows = asyncio.run(measure(url, args.workers, plan, args.client))
    print_rows(rows)
    overhead_table(rows)
    sustainable = max(r["rewards_s"] for r in rows if r["mode"] == "http" and r["batch"] == 1)
    rate = 10 * sustainable
    seconds = 1.0 if args.quick else 3.0
    with server_process(args.workers, max_pending_items=64) as url:
        codes = asyncio.run(burst(url, rate, seconds, args.client))
    bad = {k: v for k, v in codes.items() if not k.startswith(("2", "429"))}
    print(
        f"\noverload burst: {rate:.0f} requests/s for {seconds:.1f}s "
        f"(10x the sustainable {sustainable:.0f}/s), max_pending_items=64"
    )
    print("status codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    print("errors (5xx or transport): " + (str(bad) if bad else "none"))


if __name__ == "__main__":
    main()
