#!/usr/bin/env bash
# Install Debian's chromium (+ chromium-driver) for browser tests, if missing.
# Idempotent; intended to run as root (CI) with no prompts.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ ! -x "$CHROMIUM" ]]; then
    SUDO=""
    if [[ "$(id -u)" -ne 0 ]]; then
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

"$CHROMIUM" --version
