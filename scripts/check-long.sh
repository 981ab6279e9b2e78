#!/usr/bin/env bash
# `make check-long`: the long runs CI need not make. The request fuzzer (Tests/QueueWebTests/RequestFuzzTests)
# for 200,000 requests from each of three seeds, and the API contract (schemathesis) with 300 generated
# requests per operation, through a real nginx and fcgi-app.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/install-deps.sh --test
swift build --build-tests
for seed in 11 12 13; do
    echo "check-long: fuzzing, seed $seed"
    GUVNL_FUZZ_SEED=$seed GUVNL_FUZZ_ITERATIONS=200000 swift test --skip-build --filter RequestFuzzTests
done
echo "check-long: the API contract"
GUVNL_CONTRACT_EXAMPLES=300 GUVNL_BIN_DIR="$repo/.build/debug" python3 -m pytest -q Tests/integration/test_contract.py
