# Shared helpers of the shell test suites (tests/*/test_*.sh): source it, run checks, end with `finish`.
#   check "what" command...   runs the command; a non-zero exit counts as a failure named "what" (and
#                             check returns 1, so `check ... || show_the_log` can add context)
#   finish                    prints the tally and returns non-zero if anything failed
failures=0
checks=0

check() {
  local what=$1
  shift
  checks=$((checks + 1))
  if ! "$@"; then
    echo "FAIL: $what"
    failures=$((failures + 1))
    return 1
  fi
}

finish() {
  echo "$((checks - failures)) of $checks checks passed, $failures failed"
  [[ $failures -eq 0 ]]
}
