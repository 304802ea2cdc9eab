"""Split one program's tests over parallel jails ("lanes").

A jail runs its tests one after another, so a single program would use one
core. For an interpreted program (nothing to compile twice) with enough tests,
the backend runs contiguous slices of the tests in ``lanes`` warm jails at
once and merges the results in order. Each test is still judged alone, with
its own limits, so verdicts do not depend on the split.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox.protocol import JailRun

MIN_TESTS_PER_LANE = 4


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
