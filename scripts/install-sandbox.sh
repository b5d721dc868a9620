#!/usr/bin/env bash
# Install Debian's bubblewrap, the code sandbox of the coding rounds (sandbox/bwrap.py).
# Idempotent: does nothing when bwrap is already on the PATH.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq bubblewrap >/dev/null
command -v bwrap >/dev/null
