#!/usr/bin/env bash
# Debian packages: bubblewrap (the sandbox jail), g++ (C++ programs), the Docker
# engine and debootstrap (the offline sandbox image).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    bubblewrap g++ docker.io debootstrap iproute2 procps ca-certificates >/dev/null
