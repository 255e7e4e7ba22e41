#!/usr/bin/env bash
# Installs advx's build and test dependencies from Debian 12's archive.
# Idempotent: when every package is already installed it prints nothing and exits 0.
# Usage: scripts/install-deps.sh [--with-python]   (root, or sudo available)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  strace                                  # fault injection in the tests (a write killed midway)
  libopenmpi-dev openmpi-bin
  libboost-mpi-dev libboost-serialization-dev
  libdnnl-dev ocl-icd-opencl-dev          # oneDNN's CMake config needs OpenCL's headers
  libhdf5-dev hdf5-tools
  libfmt-dev libgtest-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev
)
if [[ "${1:-}" == "--with-python" ]]; then
  # Reference implementation, result readers and plots. OpenBLAS (OpenMP build) so that
  # python3-torch does not fall back to the netlib reference BLAS.
  packages+=(python3 python3-numpy python3-h5py python3-pandas python3-torch python3-matplotlib libopenblas0-openmp)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
