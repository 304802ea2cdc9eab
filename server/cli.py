"""``reward-server``: run the reward server with uvicorn.

    reward-server --config server.yaml --host 0.0.0.0 --port 8000 --workers 8

``--workers`` is the number of verification worker processes (the CPU-bound
part); the HTTP side is one async process. To use more machines, run more
replicas behind a load balancer: the server keeps no state between requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    log_level: Annotated[str | None, typer.Option(help="uvicorn log level")] = None,
) -> None:
    """Serve /v1/rewards, /get_reward (OpenRLHF), /v1/reward (slime), probes and metrics."""
    import uvicorn

    from server.app import create_app
    from server.settings import ServerSettings

    settings = ServerSettings.load(
        config, host=host, port=port, workers=workers, log_level=log_level
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=int(settings.graceful_timeout_s),
    )


def main() -> None:
    app()


if __name__ == "__main__":  # forkserver workers re-import __main__: keep this guard
    main()
