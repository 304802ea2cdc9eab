"""Backends for the sandbox tests: one shared instance per backend per session.

``jail_backend`` is parametrized over both backends; the docker case carries
the ``docker`` marker (skipped without an engine locally, required in CI).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import create_backend


@pytest.fixture(scope="session")
def local_backend() -> Iterator[object]:
    engine = create_backend("local", warm=2)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def docker_backend() -> Iterator[object]:
    engine = create_backend("docker", pool_size=2)
    yield engine
    engine.close()


@pytest.fixture(
    scope="session",
    params=["local", pytest.param("docker", marks=pytest.mark.docker)],
)
def jail_backend(request: pytest.FixtureRequest) -> object:
    return request.getfixturevalue(f"{request.param}_backend")
