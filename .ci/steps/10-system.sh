#!/usr/bin/env bash
# Debian packages: bubblewrap (the sandbox jail), g++ (C++ programs), the Docker
# engine and debootstrap (the offline sandbox image), libseccomp2 (compiles the
# sandbox's seccomp filters, through pyseccomp) and util-linux (choom, setpriv:
# the local jail's OOM score floor and its drop to nobody).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    bubblewrap g++ docker.io debootstrap iproute2 procps ca-certificates \
    libseccomp2 util-linux >/dev/null
