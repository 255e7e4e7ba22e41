#!/usr/bin/env bash
# Installs what tests/slurm needs: SLURM (slurmctld, slurmd, client commands) and munge, from Debian's
# packages. Does nothing (and prints nothing) when they are already there. Run as root.
set -euo pipefail
need=()
for cmd in slurmctld:slurm-wlm slurmd:slurm-wlm sbatch:slurm-wlm munged:munge mungekey:munge; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || need+=("${cmd#*:}")
done
[[ ${#need[@]} -eq 0 ]] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "install-slurm.sh: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
