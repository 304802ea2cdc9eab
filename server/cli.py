"""``reward-server``: run the reward server with uvicorn.

    reward-server --config server.yaml --host 0.0.0.0 --port 8100 --workers 8

``--workers`` is the number of verification worker processes (the CPU-bound
part); the HTTP side is one async process, or ``--http-workers`` processes
sharing the port (each with its own ``--workers`` pool) when many one-sample
requests keep one event loop busy. To use more machines, run replicas behind
a load balancer: the server keeps no state between requests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(add_completion=False, help="rlvr-kit reward server (verl, OpenRLHF, TRL, slime)")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to bind [RLVR_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port [RLVR_PORT]")] = None,
    config: Annotated[
        Path | None, typer.Option(help="YAML file with ServerSettings fields", exists=True)
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="verification worker processes [RLVR_WORKERS]", min=1)
    ] = None,
    http_workers: Annotated[
        int | None, typer.Option(help="HTTP server processes [RLVR_HTTP_WORKERS]", min=1)
    ] = None,
    log_level: Annotated[str | None, typer.Option(help="uvicorn log level")] = None,
    ray: Annotated[
        bool,
        typer.Option("--ray", help="serve as Ray Serve replicas (needs the ray extra)"),
    ] = False,
    replicas: Annotated[int, typer.Option(help="Ray Serve replicas (with --ray)", min=1)] = 2,
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster to join (with --ray); none starts one")
    ] = None,
) -> None:
    """Serve /v1/rewards, /get_reward (OpenRLHF), /v1/reward (slime), probes and metrics."""
    import uvicorn
    from pydantic import ValidationError

    from server.app import SETTINGS_ENV, create_app
    from server.settings import ServerSettings
    from server.slow_clients import GuardedH11Protocol

    try:
        settings = ServerSettings.load(
            config,
            host=host,
            port=port,
            workers=workers,
            http_workers=http_workers,
            log_level=log_level,
        )
    except ValidationError as exc:  # a typo: one line naming the key, not a traceback
        typer.echo(f"error: {ServerSettings.describe_error(exc, config)}", err=True)
        raise typer.Exit(2) from None
    if ray:
        from server.ray_serve import ServeOptions, run

        run(settings, ServeOptions(replicas=replicas), address=ray_address)
        return
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "timeout_graceful_shutdown": int(settings.graceful_timeout_s),
        "timeout_keep_alive": int(settings.keep_alive_s),
        # h11 plus a deadline on each request's headers (uvicorn has none).
        "http": GuardedH11Protocol,
    }
    GuardedH11Protocol.header_timeout_s = settings.header_timeout_s
    if settings.http_workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Several HTTP processes: uvicorn needs an import string; each process builds its app
    # (and its own worker pool) from the settings resolved here.
    os.environ[SETTINGS_ENV] = settings.to_env()
    uvicorn.run(
        "server.app:create_app_from_env", factory=True, workers=settings.http_workers, **options
    )


def main() -> None:
    app()


if __name__ == "__main__":  # forkserver workers re-import __main__: keep this guard
    main()
