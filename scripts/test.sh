#!/usr/bin/env bash
# `make test`: the Swift unit tests, then the integration suite against a real nginx and fcgi-app.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

scripts/install-deps.sh --test
echo "test: swift test"
swift build --build-tests
swift test --skip-build
echo "test: integration (real nginx + fcgi-app)"
GUVNL_BIN_DIR="$repo/.build/debug" python3 -m pytest -q Tests/integration
