"""Backends for the sandbox tests: one shared instance per backend per session.

``jail_backend`` is parametrized over both backends; the docker case carries
the ``docker`` marker (skipped without an engine locally, required in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sandbox import create_backend
from sandbox.backends.docker_pool import image_available


@pytest.fixture(scope="session")
def local_backend() -> Iterator[object]:
    engine = create_backend("local", warm=2)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def docker_backend() -> Iterator[object]:
    if not image_available() and os.environ.get("RLVR_REQUIRE_DOCKER") != "1":
        pytest.skip("no sandbox image: build it with `sandbox build-image`")
    engine = create_backend("docker", pool_size=2)
    yield engine
    engine.close()


@pytest.fixture(
    scope="session",
    params=["local", pytest.param("docker", marks=pytest.mark.docker)],
)
def jail_backend(request: pytest.FixtureRequest) -> object:
    return request.getfixturevalue(f"{request.param}_backend")
