"""`curate filter` SIGKILLed at every phase resumes to byte-identical output."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _input(path: Path) -> Path:
    rows = []
    for i in range(200):
        rng = random.Random(i)
        correct = [rng.random() < 0.5 for _ in range(4)]
        rows.append({"id": f"r{i}", "prompt": f"q{i}", "answer": "1", "correct": correct})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _curate(
    src: Path, out: Path, variant: str, phase: str = "none", n: int = 1, keep: bool = False
) -> int:
    env = {**os.environ, "KEEP_SHARDS": "1" if keep else "0"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.curation.crash_curate",
            str(src),
            str(out),
            variant,
            phase,
            str(n),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    return proc.returncode


def _outputs(out: Path) -> dict[str, bytes]:
    stem = out.name[: -len(".jsonl")]
    return {
        kind: (out.parent / f"{stem}{kind}.jsonl").read_bytes()
        for kind in ("", ".dropped", ".quarantine")
    }


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("clean")
    src = _input(base / "in.jsonl")
    result = {}
    for variant in ("a", "b"):
        out = base / f"{variant}.jsonl"
        assert _curate(src, out, variant) == 0
        result[variant] = _outputs(out)
    assert result["a"] != result["b"]
    return result


@pytest.mark.parametrize(
    ("phase", "n"), [("shard", 4), ("shard", 8), ("concat", 1), ("cleanup", 1)]
)
def test_kill_at_a_phase_then_resume_is_byte_identical(
    tmp_path: Path, expected: dict[str, dict[str, bytes]], phase: str, n: int
) -> None:
    src = _input(tmp_path / "in.jsonl")
    out = tmp_path / "out.jsonl"
    assert _curate(src, out, "a", phase, n) == -9
    assert _curate(src, out, "a") == 0
    assert _outputs(out) == expected["a"]
    assert not list(tmp_path.glob("*.shards*"))  # no work dir, stale or new, left behind


def test_kill_during_the_wipe_of_other_settings_never_mixes_them(
    tmp_path: Path, expected: dict[str, dict[str, bytes]]
) -> None:
    src = _input(tmp_path / "in.jsonl")
    out = tmp_path / "out.jsonl"
    # Shards of settings "a" on disk (a run killed before it finished).
    assert _curate(src, out, "a", "shard", 10) == -9
    # Settings "b": killed while the stale "a" shards are being removed.
    assert _curate(src, out, "b", "wipe", 1) == -9
    assert _curate(src, out, "b") == 0
    assert _outputs(out) == expected["b"]
    # And killed right after the swap: the next run still gives "b".
    assert _curate(src, out, "a", "shard", 10) == -9
    assert _curate(src, out, "b", "cleanup", 1) == -9
    assert _curate(src, out, "b") == 0
    assert _outputs(out) == expected["b"]
