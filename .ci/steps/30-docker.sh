#!/usr/bin/env bash
# The Docker engine and the sandbox image. 10-system.sh installed docker.io and
# debootstrap; here we start dockerd in the background (when no engine answers),
# wait until it does, and build the sandbox image offline from a debootstrap
# root filesystem (`sandbox build-image`: apt's configured mirror, no registry).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
if ! $SUDO docker info >/dev/null 2>&1; then
    $SUDO sh -c 'nohup dockerd >/tmp/dockerd.log 2>&1 &'
    for _ in $(seq 1 60); do
        $SUDO docker info >/dev/null 2>&1 && break
        sleep 1
    done
fi
if ! $SUDO docker info >/dev/null 2>&1; then
    echo "dockerd did not come up:" >&2
    tail -n 50 /tmp/dockerd.log >&2 || true
    exit 1
fi
$SUDO .venv/bin/sandbox build-image --if-missing
$SUDO docker image ls rlvr-sandbox
