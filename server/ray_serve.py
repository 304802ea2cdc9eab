"""The reward server as Ray Serve replicas: the same FastAPI app, one bounded worker pool each.

Why Serve: verl, OpenRLHF and slime already schedule their actors on Ray, so
the reward server can live on the same cluster and scale with it instead of
needing a separate load balancer. Each replica is a Ray actor that builds the
ordinary app (``server.app.create_app``) at start-up: its lifespan starts the
replica's own ``BoundedRunner``, so per-item time limits, the verdict cache and
admission control hold per replica exactly as in a plain ``reward-server``.
Serve's proxy spreads requests over the replicas, replaces a replica that dies
or fails ``check_health`` (the same readiness as ``/readyz``) and, with
autoscaling, adds replicas when the requests in flight per replica (the queue
depth) stay above ``target_ongoing_requests``.

Run it with ``reward-server --ray`` or ``serve run server.ray_serve:app`` (settings
from ``RLVR_*`` variables, as for ``reward-server``).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from server.settings import ServerSettings


class ServeOptions(BaseModel):
    """How many replicas, how they scale and what each reserves on the cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    replicas: int = Field(2, ge=1, description="fixed replica count (ignored with autoscaling)")
    autoscale: bool = Field(False, description="scale on queue depth between min and max")
    min_replicas: int = Field(1, ge=1, description="autoscaling floor")
    max_replicas: int = Field(8, ge=1, description="autoscaling ceiling")
    target_ongoing_requests: float = Field(
        8.0, gt=0, description="requests in flight per replica that autoscaling aims for"
    )
    max_ongoing_requests: int = Field(
        64, ge=1, description="requests a replica takes at once; more wait in Serve's queue"
    )
    cpus_per_replica: float | None = Field(
        None, gt=0, description="CPUs Ray reserves per replica (default: its verification workers)"
    )
    health_check_period_s: float = Field(5.0, gt=0, description="how often Serve asks readiness")
    health_check_timeout_s: float = Field(30.0, gt=0, description="a check slower than this fails")


class _RewardReplica:
    """One replica: builds the app for the settings it was given, reports its readiness."""

    def __init__(self, settings_json: str) -> None:
        self.settings = ServerSettings.from_env(settings_json)
        self.asgi: Any = None

    def __serve_build_asgi_app__(self) -> Any:
        from server.app import create_app

        self.asgi = create_app(self.settings)
        return self.asgi

    async def check_health(self) -> None:
        """Serve restarts a replica whose check raises; the lifespan may still be starting."""
        service = getattr(getattr(self.asgi, "state", None), "service", None)
        if service is not None and service.runner is not None and not service.ready:
            raise RuntimeError("reward worker pool is not ready")


def deployment(settings: ServerSettings | None = None, options: ServeOptions | None = None) -> Any:
    """A Serve application (``serve.run`` it) of the reward server with ``settings``."""
    from ray import serve

    settings = settings or ServerSettings.load()
    options = options or ServeOptions()
    scaling: dict[str, Any]
    if options.autoscale:
        scaling = {
            "autoscaling_config": {
                "min_replicas": options.min_replicas,
                "max_replicas": options.max_replicas,
                "target_ongoing_requests": options.target_ongoing_requests,
            }
        }
    else:
        scaling = {"num_replicas": options.replicas}
    # Ray annotates ``deployment(cls, ...)`` as returning the decorator; called as a
    # decorator factory it is typed (and behaves) the same: a ``Deployment``.
    replica = serve.deployment(
        name="rlvr-reward",
        max_ongoing_requests=options.max_ongoing_requests,
        health_check_period_s=options.health_check_period_s,
        health_check_timeout_s=options.health_check_timeout_s,
        graceful_shutdown_timeout_s=settings.graceful_timeout_s,
        ray_actor_options={"num_cpus": options.cpus_per_replica or settings.workers},
        **scaling,
    )(serve.ingress()(_RewardReplica))
    return replica.bind(settings.to_env())


def run(settings: ServerSettings, options: ServeOptions, *, address: str | None = None) -> None:
    """Start (or join) Ray, deploy the replicas with Serve's proxy on ``settings.host:port``,
    and block until interrupted."""
    import ray
    from ray import serve

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
    serve.start(http_options={"host": settings.host, "port": settings.port})
    serve.run(deployment(settings, options), name="rlvr-reward", route_prefix="/", blocking=True)


def build_app(args: dict[str, Any]) -> Any:
    """Serve's application builder (``serve run server.ray_serve:build_app replicas=4``)."""
    return deployment(ServerSettings.load(), ServeOptions(**args))


def __getattr__(name: str) -> Any:
    """``serve run server.ray_serve:app`` imports ``app``: built on first access, so merely
    importing this module needs no Ray."""
    if name == "app":
        return deployment()
    raise AttributeError(name)
