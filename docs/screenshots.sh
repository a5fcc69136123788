#!/usr/bin/env bash
# Refreshes the dashboard screenshots in docs/ by running the browser test (needs chromium and chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
./vigil mvn -q -B -pl vigil-server -am -Dtest=DashboardBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dvigil.screenshots="$PWD/docs" verify
ls -l docs/dashboard-*.png
