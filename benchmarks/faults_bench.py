"""Fair and bounded under faults (issue 17): each fault reproduced, ours against the anchor.

    python -m benchmarks.faults_bench [--only NAME ...] [--rows 100000] [--workers 2 8 16]

Sections (each prints ours and the anchor measured in the same run):
  scaling   parent CPU per item of the runner (the ceiling of items/s is 1 / that);
            anchor: the runner before this issue, loaded from git (ANCHOR_COMMIT)
  fairness  one request of 40 endless code items (3 s limit) then single math items
            (timeout_s=5) on a 2-worker server; anchor: the same server with every
            request in one queue group (FIFO, as before)
  dispatch  a 4 MB job to a frozen worker, timeout_s=5; anchor: the old runner
  forkserver  a request (timeout_s=2) while the forkserver and workers are frozen, and
            what /readyz says
  preparse  /healthz latency while 6 bodies of 400k tiny items arrive
  slowloris a client dribbling its headers: when is it disconnected (anchor: plain h11)
  curation  `curate filter` on N rows with 10 corrupted rows; anchor: reading without
            the row check (the column-wide path)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ANCHOR_COMMIT = "4e31f39"  # the runner before issue 17


def _anchor_runner_module() -> Any:
    """The pre-issue runner as an importable module (workers import it by name)."""
    source = subprocess.run(
        ["git", "show", f"{ANCHOR_COMMIT}:verifiers/core/runner.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="anchor-runner-"))
    (folder / "anchor_runner.py").write_text(source)
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = f"{folder}:{os.environ.get('PYTHONPATH', '')}"
    spec = importlib.util.find_spec("anchor_runner")
    assert spec is not None
    import anchor_runner

    return anchor_runner


# Keyword arguments today's ``submit`` takes for the fair queue and the pre-issue runner does not:
# passed through they would reach the job's function (a TypeError in every worker, which once made
# the anchor look fast: it was timing error verdicts).
_SCHEDULING_KWARGS = ("group", "deadline", "cost_s")


def _anchor_runner(anchor: Any, workers: int) -> Any:
    """The pre-issue runner behind today's ``submit`` and ``submit_many`` (one ``submit`` per
    call, scheduling hints dropped): the same jobs reach its workers as ours."""

    class AnchorRunner(anchor.BoundedRunner):
        def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
            for name in _SCHEDULING_KWARGS:
                kwargs.pop(name, None)
            return super().submit(fn, *args, **kwargs)

        def submit_many(self, fn: Any, calls: Any, **kwargs: Any) -> list[Any]:
            timeouts, errors = kwargs.pop("on_timeout"), kwargs.pop("on_error")
            for name in ("costs_s", *_SCHEDULING_KWARGS):
                kwargs.pop(name, None)
            return [
                self.submit(fn, *args, on_timeout=timeouts[i], on_error=errors[i], **kwargs)
                for i, args in enumerate(calls)
            ]

    return AnchorRunner(workers)


# -- 0: scaling -------------------------------------------------------------------------


def _parent_cpu_per_item(runner: Any, items: list[Any]) -> tuple[float, float, int]:
    """Parent CPU seconds per item, items/s, and how many verdicts came back ``ok``."""
    from verifiers import verify_batch

    verify_batch(items[:200], timeout_s=10, runner=runner)  # warm
    cpu0, wall0 = time.process_time(), time.perf_counter()
    verdicts = verify_batch(items, timeout_s=10, runner=runner)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return cpu / len(items), len(items) / wall, sum(v.status == "ok" for v in verdicts)


def bench_scaling(n: int = 4000, workers: tuple[int, ...] = (2,)) -> None:
    from verifiers import BoundedRunner, VerifyItem

    anchor = _anchor_runner_module()
    kinds = {
        "format (cheap)": [VerifyItem("format", f"<think>{i}</think> {i}", None) for i in range(n)],
        "math (distinct)": [
            VerifyItem("math", f"<think>t</think> \\boxed{{{i}/{i + 1}}}", f"{i}/{i + 1}")
            for i in range(n)
        ],
    }
    print(f"\n## scaling: parent CPU per item, {n} distinct items")
    print("| workers | items | runner | ok verdicts | parent CPU ms/item | items/s here | 1/CPU |")
    print("|---|---|---|---|---|---|---|")
    for count in workers:
        for kind, items in kinds.items():
            for name, make in (
                ("anchor (per-item dispatch)", lambda w=count: _anchor_runner(anchor, w)),
                ("ours (batched, streamed)", lambda w=count: BoundedRunner(w)),
            ):
                runner = make()
                try:
                    runner.warm_up()
                    cpu, rate, ok = _parent_cpu_per_item(runner, items)
                finally:
                    runner.close()
                print(
                    f"| {count} | {kind} | {name} | {ok}/{len(items)} | {cpu * 1000:.3f} "
                    f"| {rate:.0f} | {1 / cpu:.0f} |"
                )


# -- 1: fairness ------------------------------------------------------------------------


@contextlib.contextmanager
def _server(**overrides: Any) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from server.app import create_app
    from server.settings import ServerSettings
    from server.slow_clients import GuardedH11Protocol

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = ServerSettings.load(**{"workers": 2, "port": port, **overrides})
    app = create_app(settings)
    GuardedH11Protocol.header_timeout_s = settings.header_timeout_s
    server = uvicorn.Server(
        uvicorn.Config(app, port=port, log_level="error", lifespan="on", http=GuardedH11Protocol)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        time.sleep(0.2)
    try:
        yield url, app.state.service
    finally:
        server.should_exit = True
        thread.join(timeout=60)


ENDLESS = "<think>loop</think>\n```python\nwhile True:\n    pass\n```"


def _fairness_run(fifo: bool) -> list[float]:
    import httpx

    import server.scheduling as scheduling

    real = scheduling.next_request_id
    if fifo:  # every request in one group: one FIFO queue, as before this issue
        scheduling.next_request_id = lambda: 0
    try:
        with _server(request_deadline_s=None, max_queue_s=10_000) as (url, _):
            import server.service as service_module

            service_module.next_request_id = scheduling.next_request_id
            hog_items = [
                {
                    "response": ENDLESS + f"\n# {i} {fifo}",
                    "task": "code",
                    "reference": {"inputs": [""], "outputs": ["1"]},
                }
                for i in range(40)
            ]
            hog = threading.Thread(
                target=lambda: httpx.post(
                    f"{url}/v1/rewards", json={"items": hog_items, "timeout_s": 3}, timeout=300
                )
            )
            hog.start()
            time.sleep(1.0)
            latencies = []
            for i in range(3):
                item = {"response": f"<think>t</think> \\boxed{{{i + 7}}}", "reference": str(i + 7)}
                start = time.monotonic()
                httpx.post(
                    f"{url}/v1/rewards",
                    json={"items": [item], "timeout_s": 5, "task": "math"},
                    timeout=300,
                )
                latencies.append(time.monotonic() - start)
            hog.join()
            service_module.next_request_id = real
    finally:
        scheduling.next_request_id = real
    return latencies


def bench_fairness() -> None:
    print("\n## fairness: 40 endless code items (3 s) then 3 single math items (timeout_s=5)")
    print("| queue | math item latencies (s) |")
    print("|---|---|")
    for name, fifo in (("anchor: one FIFO", True), ("ours: fair share per request", False)):
        lat = _fairness_run(fifo)
        print(f"| {name} | {', '.join(f'{x:.2f}' for x in lat)} |")


# -- 2: dispatch to a frozen worker -----------------------------------------------------


def _frozen_dispatch(runner: Any, wait_s: float) -> str:
    runner.warm_up()
    for pid in runner.worker_pids():
        os.kill(pid, signal.SIGSTOP)
    blob = "x" * (4 * 1024 * 1024)
    start = time.monotonic()
    future = runner.submit(len, blob, timeout_s=5)
    try:
        value = future.result(timeout=wait_s)
        return f"{time.monotonic() - start:.2f} s ({'correct' if value == len(blob) else value})"
    except TimeoutError:
        return f"> {wait_s:.0f} s (no answer; the dispatcher is blocked in send)"


def bench_dispatch() -> None:
    from verifiers import BoundedRunner

    anchor = _anchor_runner_module()
    print("\n## dispatch: a 4 MB job to a frozen worker, timeout_s=5, 1 worker")
    print("| runner | answer |")
    print("|---|---|")
    old = anchor.BoundedRunner(1)
    print(f"| anchor | {_frozen_dispatch(old, 20)} |")
    with contextlib.suppress(Exception):
        for pid in old.worker_pids():
            os.kill(pid, signal.SIGKILL)
    ours = BoundedRunner(1)
    try:
        print(
            f"| ours (send with a deadline, re-run once on a fresh worker) | "
            f"{_frozen_dispatch(ours, 20)} |"
        )
        print(f"re-runs counted: {ours.reruns}")
    finally:
        ours.close()


# -- 3: forkserver frozen ---------------------------------------------------------------


def bench_forkserver() -> None:
    import httpx

    from verifiers.core.runner import _forkserver_pid

    print("\n## forkserver and workers frozen: a request with timeout_s=2, and /readyz")
    with _server(start_timeout_s=2.0, canary_timeout_s=1.0) as (url, service):
        frozen = [*service.runner.worker_pids(), _forkserver_pid()]
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        service._canary = None
        ready = httpx.get(f"{url}/readyz", timeout=60)
        start = time.monotonic()
        reply = httpx.post(
            f"{url}/v1/rewards",
            json={
                "items": [{"response": "<think>t</think> 3", "reference": "3"}],
                "timeout_s": 2,
                "task": "math",
            },
            timeout=120,
        )
        elapsed = time.monotonic() - start
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        result = reply.json()["results"][0]
        print(f"/readyz while frozen: {ready.status_code} {ready.json()['detail'].get('reason')}")
        print(
            f"request answered in {elapsed:.2f} s: status {result['status']} "
            f"({result.get('reason') or 'reward ' + str(result['total'])})"
        )
        time.sleep(2)
        service._canary = None
        print(f"/readyz after recovery: {httpx.get(f'{url}/readyz', timeout=60).status_code}")
    print("anchor (issue 17 audit): requests hung 25-40 s until the client gave up; /readyz 200")


# -- 4: bodies --------------------------------------------------------------------------


def bench_preparse() -> None:
    import httpx

    print("\n## pre-parse: /healthz while 6 bodies of 400k tiny items arrive")
    body = json.dumps({"items": [{"response": "1"}] * 400_000}).encode()
    with _server() as (url, _):
        replies: list[int] = []

        def post() -> None:
            r = httpx.post(
                f"{url}/v1/rewards",
                content=body,
                headers={"content-type": "application/json"},
                timeout=120,
            )
            replies.append(r.status_code)

        threads = [threading.Thread(target=post) for _ in range(6)]
        for t in threads:
            t.start()
        worst = 0.0
        while any(t.is_alive() for t in threads):
            start = time.monotonic()
            httpx.get(f"{url}/healthz", timeout=60)
            worst = max(worst, time.monotonic() - start)
            time.sleep(0.05)
        print(
            f"body {len(body) / 1e6:.1f} MB; replies {sorted(replies)}; worst /healthz "
            f"{worst * 1000:.0f} ms (anchor, issue 17 audit: 8.4 s stall before the 413s)"
        )


def _dribble(port: int, seconds: float) -> str:
    sock = socket.create_connection(("127.0.0.1", port), timeout=1)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            sock.sendall(b"X")
            sock.settimeout(0.5)
            if sock.recv(1024) == b"":
                return f"closed after {time.monotonic() - start:.1f} s"
        except TimeoutError:
            continue
        except OSError:
            return f"closed after {time.monotonic() - start:.1f} s"
    return f"still open after {seconds:.0f} s"


def bench_slowloris() -> None:
    import uvicorn

    from server.slow_clients import GuardedH11Protocol

    print("\n## slow headers: a client sending one header byte every 0.5 s")
    with _server(header_timeout_s=5.0) as (url, _):
        print(f"ours (header_timeout_s=5): {_dribble(int(url.rsplit(':', 1)[1]), 20)}")
    # Anchor: the same app behind uvicorn's plain h11 protocol.
    from server.app import create_app
    from server.settings import ServerSettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(ServerSettings.load(workers=1, port=port))
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="error", http="h11"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    time.sleep(3)
    print(f"anchor (uvicorn h11): {_dribble(port, 20)}")
    server.should_exit = True
    thread.join(timeout=30)
    assert GuardedH11Protocol is not None


# -- 5: curation rows -------------------------------------------------------------------


def bench_curation(n_rows: int) -> None:
    import polars as pl

    from curation import commands, io
    from curation.config import FilterConfig, RunConfig

    print(f"\n## curation: `curate filter` on {n_rows} rows, 10 corrupted")
    tmp = Path(tempfile.mkdtemp(prefix="faults-curate-"))
    rng = random.Random(0)
    rows = []
    for i in range(n_rows):
        correct = [rng.random() < 0.5 for _ in range(4)]
        rows.append(
            {
                "id": f"r{i}",
                "prompt": f"q{i}",
                "answer": "1",
                "responses": ["a"] * 4,
                "correct": correct,
            }
        )
    bad_at = rng.sample(range(n_rows), 10)
    corruptions = [
        ("responses", "oops"),
        ("prompt", 12345),
        ("prompt", ""),
        ("responses", [1, 2, 3, 4]),
        ("prompt", None),
    ] * 2
    dirty = [dict(r) for r in rows]
    for i, (field, value) in zip(bad_at, corruptions, strict=True):
        dirty[i][field] = value
    for name, data in (("clean", rows), ("dirty", dirty)):
        (tmp / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in data))
    run = RunConfig(shard_size=20_000)
    start = time.perf_counter()
    clean = commands.filter_pass_rate(
        tmp / "clean.jsonl", tmp / "clean.out.jsonl", FilterConfig(), run=run
    )
    t_clean = time.perf_counter() - start
    start = time.perf_counter()
    got = commands.filter_pass_rate(
        tmp / "dirty.jsonl", tmp / "dirty.out.jsonl", FilterConfig(), run=run
    )
    t_dirty = time.perf_counter() - start
    bad_ids = {f"r{i}" for i in bad_at}
    same_kept = pl.read_ndjson(got.output).equals(
        pl.read_ndjson(clean.output).filter(~pl.col("id").is_in(bad_ids))
    )
    same_dropped = pl.read_ndjson(got.dropped_path).equals(
        pl.read_ndjson(clean.dropped_path).filter(~pl.col("id").is_in(bad_ids))
    )
    lines = sorted(pl.read_ndjson(got.quarantine_path)["line"].to_list())
    exact = lines == sorted(i + 1 for i in bad_at)
    # Anchor: the column-wide path (no row check), then the same split the steps use.
    from curation.schema import split_valid, to_canonical

    df, _ = io.read_table(tmp / "dirty.jsonl")
    _, anchor_bad = split_valid(to_canonical(df, commands.ColumnMap()), need_answer=False)
    print("| path | quarantined | exactly the 10 | kept/dropped = clean's | time (s) |")
    print("|---|---|---|---|---|")
    print(
        f"| ours (row check) | {got.n_quarantined} | {exact} | {same_kept and same_dropped} "
        f"| {t_dirty:.1f} (clean input {t_clean:.1f}) |"
    )
    print(f"| anchor (column-wide) | {anchor_bad.height} | False | - | - |")


SECTIONS = {
    "scaling": bench_scaling,
    "fairness": bench_fairness,
    "dispatch": bench_dispatch,
    "forkserver": bench_forkserver,
    "preparse": bench_preparse,
    "slowloris": bench_slowloris,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[2], help="pool sizes for the scaling section"
    )
    args = parser.parse_args()
    chosen = args.only or [*SECTIONS, "curation"]
    print(f"# faults_bench on {os.cpu_count()} cores (shared machine; timings are indicative)")
    for name in chosen:
        if name == "curation":
            bench_curation(args.rows)
        elif name == "scaling":
            bench_scaling(workers=tuple(args.workers))
        else:
            SECTIONS[name]()
    sys.stdout.flush()
    os._exit(0)  # the anchor's blocked dispatcher threads would hold the exit


if __name__ == "__main__":
    main()
