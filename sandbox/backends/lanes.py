"""Split one program's tests over parallel jails ("lanes").

A jail runs its tests one after another, so a single program would use one
core. For an interpreted program (nothing to compile twice) with enough tests,
the backend runs contiguous slices of the tests in up to ``lanes`` warm jails
at once and merges the results in order. When several programs already run at
once the cores are busy anyway: lanes are shared out (``Lanes.split``), which
keeps latency down. Each test is still judged alone, with its own limits, so
verdicts do not depend on the split.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox.protocol import JailRun

MIN_TESTS_PER_LANE = 4


class Lanes:
    """How many lanes a program may use, given how many programs run right now."""

    def __init__(self, lanes: int):
        self.lanes = lanes
        self.active = 0
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=4 * lanes, thread_name_prefix="sandbox-lane")

    def run(
        self, execute_one: Callable[[dict[str, Any]], JailRun], request: dict[str, Any]
    ) -> JailRun:
        with self.lock:
            self.active += 1
            share = max(1, self.lanes // self.active)
        try:
            return run_in_lanes(execute_one, request, share, self.pool)
        finally:
            with self.lock:
                self.active -= 1

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def run_in_lanes(
    execute_one: Callable[[dict[str, Any]], JailRun],
    request: dict[str, Any],
    lanes: int,
    pool: ThreadPoolExecutor,
) -> JailRun:
    tests = request["tests"]
    count = min(lanes, len(tests) // MIN_TESTS_PER_LANE)
    if count < 2 or request.get("compile"):
        return execute_one(request)
    size = -(-len(tests) // count)
    slices = [tests[start : start + size] for start in range(0, len(tests), size)]
    futures = [pool.submit(execute_one, dict(request, tests=part)) for part in slices[1:]]
    runs = [execute_one(dict(request, tests=slices[0]))] + [future.result() for future in futures]
    for run in runs:
        if run.compile is not None and not run.tests and run.error is None:
            return run  # the program does not compile: the same in every lane
    merged = tuple(outcome for run in runs for outcome in run.tests)
    error = next((run.error for run in runs if run.error), None)
    judged = {case: outcome for run in runs for case, outcome in run.judged.items()}
    return JailRun(runs[0].compile, merged, error=error, judged=judged)
