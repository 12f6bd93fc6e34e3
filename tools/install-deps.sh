#!/usr/bin/env bash
# Installs reesx's build and test dependencies from Debian 12 packages. Idempotent and quiet:
# packages already present are skipped. Run as root (or with sudo available). graphviz renders
# the plant diagrams (`reesx separate --dot`) as SVG; chromium (headless) renders `reesx report`'s
# HTML in the test report.browser.
set -euo pipefail
packages=(build-essential cmake libsundials-dev libeigen3-dev libhdf5-dev libyaml-cpp-dev
          libcli11-dev nlohmann-json3-dev googletest libgtest-dev libgmock-dev
          libbenchmark-dev clang-format graphviz
          pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-yaml
          python3-matplotlib python3-distributed python3-h5py chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
