"""The Ray engine against the local engine on the same responses, and a Serve replica kill.

Run:  .venv/bin/python benchmarks/ray_bench.py --prompts 100000 --workers 2      (800k responses)
      .venv/bin/python benchmarks/ray_bench.py --prompts 10000 --skip-serve        (quicker)

What it prints, in one run:
- ``curate filter --pass-at 8`` over the same synthetic rollouts (``curation_bench.synth``)
  with ``--engine local`` and ``--engine ray`` (a local Ray cluster of this machine's
  cores, one actor per core, each with its own bounded runner of ``--workers``/actors
  processes): wall time, responses/s, the ratio (the Ray engine's overhead on one
  machine; on a cluster the same shards spread over every node), and whether the
  outputs are byte-identical;
- two Ray Serve replicas of the reward server under a closed-loop load of native
  requests; one replica is killed mid-load; each request is retried by the client on a
  transport error or a 5xx (what ``RewardClient`` does); counts of 200, 429, retries and
  lost requests.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.curation_bench import synth
from curation.commands import filter_pass_rate
from curation.config import FilterConfig, RunConfig, ScoreConfig


def engines(prompts: int, workers: int, shard_size: int) -> None:
    import ray

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "rollouts.parquet"
        synth(prompts).write_parquet(source)
        responses = prompts * 8
        cfg = FilterConfig(k=8)
        timings = {}
        for engine in ("local", "ray"):
            cpus = os.cpu_count() or 1
            score = ScoreConfig(workers=workers if engine == "local" else max(1, workers // cpus))
            run = RunConfig(shard_size=shard_size, progress=False, engine=engine, ray_actors=cpus)
            if engine == "ray":
                ray.init(include_dashboard=False, logging_level="WARNING")
            start = time.perf_counter()
            summary = filter_pass_rate(source, Path(tmp) / f"{engine}.parquet", cfg, score, run=run)
            timings[engine] = time.perf_counter() - start
            print(
                f"{engine:>5}: {timings[engine]:7.1f} s  {responses / timings[engine]:9.0f} "
                f"responses/s  kept {summary.n_kept} dropped {summary.n_dropped} "
                f"quarantined {summary.n_quarantined}"
            )
        ray.shutdown()
        same = (Path(tmp) / "local.parquet").read_bytes() == (
            Path(tmp) / "ray.parquet"
        ).read_bytes()
        print(
            f"ray/local wall-time ratio {timings['ray'] / timings['local']:.2f}; same bytes: {same}"
        )


def serve_kill(seconds: float, clients: int) -> None:
    import httpx
    import ray
    from ray import serve

    from server.ray_serve import ServeOptions, deployment
    from server.settings import ServerSettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ray.init(include_dashboard=False, logging_level="WARNING")
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    settings = ServerSettings(workers=1, host="127.0.0.1", port=port)
    serve.run(
        deployment(settings, ServeOptions(replicas=2, cpus_per_replica=0.5)),
        name="rlvr-reward",
        route_prefix="/",
    )
    url = f"http://127.0.0.1:{port}/v1/rewards"
    body = {"items": [{"response": r"<think>x</think> $\boxed{42}$", "reference": "42"}]}
    tally: Counter[str] = Counter()
    stop = time.monotonic() + seconds

    def load() -> None:
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < stop:
                for _ in range(20):
                    try:
                        reply = client.post(url, json=body)
                    except httpx.HTTPError:
                        tally["retried"] += 1
                        continue
                    if reply.status_code >= 500:
                        tally["retried"] += 1
                        continue
                    tally[str(reply.status_code)] += 1
                    break
                else:
                    tally["lost"] += 1

    threads = [threading.Thread(target=load) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    names = [
        a["name"]
        for a in ray.util.list_named_actors(all_namespaces=True)
        if "SERVE_REPLICA" in a["name"]
    ]
    ray.kill(ray.get_actor(names[0], namespace="serve"), no_restart=True)
    killed_at = time.monotonic()
    for thread in threads:
        thread.join()
    print(
        f"serve: 2 replicas, one killed {seconds / 3:.0f} s into {seconds:.0f} s of load from "
        f"{clients} clients: {dict(tally)} (answered {tally['200'] + tally['429']}, "
        f"lost {tally['lost']}); load ran {stop - killed_at:.0f} s after the kill"
    )
    serve.shutdown()
    ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prompts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=10_000)
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--serve-seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    engines(args.prompts, args.workers, args.shard_size)
    if not args.skip_serve:
        serve_kill(args.serve_seconds, args.clients)


if __name__ == "__main__":
    main()
