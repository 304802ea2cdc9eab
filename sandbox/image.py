"""Build the sandbox image without a registry: debootstrap + ``docker import``.

The image is what ``sandbox/Dockerfile`` builds for users who can pull
``debian:bookworm-slim``: a minimal Debian with bubblewrap and each language's toolchain,
user nobody. Here it is built from a debootstrap root filesystem fetched from
the Debian mirror this machine's apt is configured with (never a hard-coded
host), then imported with the Docker SDK.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path

from sandbox.backends.docker_pool import DEFAULT_IMAGE
from sandbox.languages import LANGUAGES

# The jail itself plus every language's toolchain (a new language brings its own).
PACKAGES = ("bubblewrap", *dict.fromkeys(p for lang in LANGUAGES.values() for p in lang.packages))
IMAGE_CHANGES = ("USER 65534:65534", 'CMD ["sleep", "infinity"]', "WORKDIR /")
APT_SOURCES = (Path("/etc/apt/sources.list.d"), Path("/etc/apt/sources.list"))


class ImageBuildError(RuntimeError):
    """The image could not be built; the message says which step failed."""


@dataclasses.dataclass(frozen=True)
class Mirror:
    uri: str
    suite: str


def configured_mirror(sources: tuple[Path, ...] = APT_SOURCES) -> Mirror:
    """The first main Debian archive in apt's configuration (deb822 or one-line)."""
    files: list[Path] = []
    for path in sources:
        if path.is_dir():
            files += sorted(path.glob("*.sources")) + sorted(path.glob("*.list"))
        elif path.exists():
            files.append(path)
    for file in files:
        text = file.read_text(errors="replace")
        found = _from_deb822(text) if file.suffix == ".sources" else _from_one_line(text)
        if found is not None:
            return found
    raise ImageBuildError("no Debian mirror found in apt's sources; pass --mirror URL --suite NAME")


def _usable(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "file:/")) and "security" not in uri


def _from_deb822(text: str) -> Mirror | None:
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if ":" in line and not line.startswith(("#", " ")):
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        types = fields.get("types", "").split()
        uris = [uri for uri in fields.get("uris", "").split() if _usable(uri)]
        suites = fields.get("suites", "").split()
        if "deb" in types and uris and suites and fields.get("enabled", "yes") != "no":
            return Mirror(uris[0], suites[0])
    return None


def _from_one_line(text: str) -> Mirror | None:
    for line in text.splitlines():
        parts = [part for part in line.split() if not part.startswith("[")]
        if len(parts) >= 3 and parts[0] == "deb" and _usable(parts[1]):
            return Mirror(parts[1], parts[2])
    return None


def build_rootfs(target: Path, mirror: Mirror, packages: tuple[str, ...] = PACKAGES) -> None:
    """debootstrap a minimal root filesystem with our packages into ``target``."""
    if shutil.which("debootstrap") is None:
        raise ImageBuildError("debootstrap is not installed (apt-get install debootstrap)")
    command = [
        "debootstrap",
        "--variant=minbase",
        f"--include={','.join(packages)}",
        mirror.suite,
        str(target),
        mirror.uri,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ImageBuildError(f"debootstrap failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for item in (target / junk).glob("*"):
            if item.is_file():
                item.unlink()


def import_rootfs(rootfs: Path, tag: str = DEFAULT_IMAGE) -> str:
    """Stream ``rootfs`` as a tar into ``docker import``; returns the image id."""
    import docker

    client = docker.from_env(timeout=600)
    repository, _, version = tag.partition(":")
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    try:
        result = client.api.import_image_from_stream(
            tar.stdout, repository=repository, tag=version or "latest", changes=list(IMAGE_CHANGES)
        )
    finally:
        tar.wait()
    if tar.returncode != 0:
        raise ImageBuildError(f"tar of {rootfs} failed with exit code {tar.returncode}")
    return client.images.get(tag).id if result is not None else ""


def build_image(
    tag: str = DEFAULT_IMAGE, mirror: Mirror | None = None, keep_rootfs: Path | None = None
) -> str:
    """The whole offline build; returns the image id."""
    mirror = mirror or configured_mirror()
    if keep_rootfs is not None:
        if not (keep_rootfs / "usr/bin/bwrap").exists():
            build_rootfs(keep_rootfs, mirror)
        return import_rootfs(keep_rootfs, tag)
    with tempfile.TemporaryDirectory(prefix="rlvr-sandbox-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        build_rootfs(rootfs, mirror)
        return import_rootfs(rootfs, tag)
