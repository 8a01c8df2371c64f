# Shared by tests/small_tests_test.sh and tests/cxx_tests_test.sh (sourced): the tally, and the
# check that a bad test file gets one line on stderr and exit 2. Needs HAZSIM and TMP set.
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

one_line() {  # one_line NAME PATTERN FILE: `hazsim run FILE` says PATTERN in one line, exit 2
  "$HAZSIM" run "$3" -q >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -e "$2" "$TMP/err"; then ok
  else bad "$1: exit $got, stderr: $(cat "$TMP/err")"; fi
}
