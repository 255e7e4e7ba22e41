#!/usr/bin/env bash
# Downloads MovieLens-1M and MovieLens-100K from GroupLens and unpacks them into DEST/ml-1m and
# DEST/ml-100k (DEST defaults to data/), where the shipped sweep files expect them.
#
#   scripts/get-movielens.sh [DEST]
#
# Idempotent: a data set that is already present and passes its checks is left alone. The files are
# checked after unpacking against their known contents (GroupLens publishes no checksums of the zips):
#   ml-1m:   ratings.dat has 1,000,209 lines and git blob hash 77a7c4b1..., users.dat's sha256;
#   ml-100k: u.data's and u.user's sha256.
# Environment: ADVX_MOVIELENS_URL overrides the base URL (default
# https://files.grouplens.org/datasets/movielens; file:// works with curl), e.g. for a local mirror.
#
# Licence: GroupLens allows use for research but forbids redistribution; never commit the data.

set -euo pipefail

readonly BASE_URL="${ADVX_MOVIELENS_URL:-https://files.grouplens.org/datasets/movielens}"
readonly DEST="${1:-data}"

readonly ML1M_RATINGS_LINES=1000209
readonly ML1M_RATINGS_GIT_BLOB=77a7c4b150f588c23bb9e1f068aa996c0b413695
readonly ML1M_USERS_SHA256=1dc3a95300cb19f7c10e027daf29b8cdf1d908dab65b5edfb45950aa389a10a3
readonly ML100K_DATA_SHA256=06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490
readonly ML100K_USER_SHA256=f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c

say() { printf 'get-movielens: %s\n' "$*"; }
die() { printf 'get-movielens: error: %s\n' "$*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# `git hash-object FILE` without needing git: sha1 of "blob <size>\0" followed by the content.
git_blob_of() {
  local size
  size=$(wc -c <"$1" | tr -d ' ')
  { printf 'blob %s\0' "$size"; cat "$1"; } | sha1sum | cut -d' ' -f1
}

# check_file DIR FILE KIND EXPECTED: prints a reason and fails when FILE does not match.
check_file() {
  local path="$1/$2" kind="$3" expected="$4" actual
  [[ -f "$path" ]] || { echo "$path is missing"; return 1; }
  case "$kind" in
    sha256) actual=$(sha256_of "$path") ;;
    git-blob) actual=$(git_blob_of "$path") ;;
    lines) actual=$(wc -l <"$path" | tr -d ' ') ;;
    *) die "internal: unknown check $kind" ;;
  esac
  [[ "$actual" == "$expected" ]] || { echo "$path: $kind is $actual, expected $expected"; return 1; }
}

check_ml1m() {
  check_file "$1" ratings.dat lines "$ML1M_RATINGS_LINES" &&
    check_file "$1" ratings.dat git-blob "$ML1M_RATINGS_GIT_BLOB" &&
    check_file "$1" users.dat sha256 "$ML1M_USERS_SHA256"
}

check_ml100k() {
  check_file "$1" u.data sha256 "$ML100K_DATA_SHA256" &&
    check_file "$1" u.user sha256 "$ML100K_USER_SHA256"
}

download() {  # URL OUT
  if command -v curl >/dev/null 2>&1; then
    curl --fail --location --silent --show-error --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

unpack() {  # ZIP DIR
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$1" -d "$2"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$1" "$2"
  else
    die "neither unzip nor python3 is installed"
  fi
}

# fetch NAME CHECK: NAME is ml-1m or ml-100k (the zip's name and its top-level folder).
fetch() {
  local name="$1" check="$2" target="$DEST/$1" reason
  if [[ -e "$target" ]]; then
    if reason=$("$check" "$target"); then
      say "$target: present and verified, nothing to do"
      return 0
    fi
    die "$target exists but does not match the expected files ($reason); move it away and run again"
  fi

  # Work in a scratch directory inside DEST, so the final move is a rename on one file system and an
  # interrupted run never leaves a half-unpacked data set under its final name.
  local work
  work=$(mktemp -d "$DEST/.get-movielens.XXXXXX")
  WORK_DIRS+=("$work")
  say "downloading $BASE_URL/$name.zip"
  download "$BASE_URL/$name.zip" "$work/$name.zip" || die "download of $BASE_URL/$name.zip failed"
  unpack "$work/$name.zip" "$work/unpacked" || die "$name.zip is not a valid zip archive"
  [[ -d "$work/unpacked/$name" ]] || die "$name.zip has no top-level folder $name/"
  if ! reason=$("$check" "$work/unpacked/$name"); then
    die "$name.zip from $BASE_URL does not contain the expected files: ${reason/$work\/unpacked\//}"
  fi
  mv "$work/unpacked/$name" "$target"
  say "$target: downloaded and verified"
}

WORK_DIRS=()
trap 'rm -rf "${WORK_DIRS[@]}"' EXIT
mkdir -p "$DEST" || die "cannot create $DEST"
fetch ml-100k check_ml100k
fetch ml-1m check_ml1m
say "done; GroupLens's licence forbids redistributing these files: do not commit them"
