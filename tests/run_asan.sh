#!/usr/bin/env bash
# The unit, golden and end-to-end tests again, on a nested build with
# AddressSanitizer and UndefinedBehaviorSanitizer (the ctest test "asan").
# Any sanitizer report aborts the test that hit it, and this script exits
# with ctest's status.
#
#   tests/run_asan.sh SRC BUILD
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
build=$2
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$build"

echo "run_asan: configuring a sanitizer build in $build"
cmake -S "$src" -B "$build" -DAU_SANITIZE=ON -DAU_NESTED_CHECKS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1 || {
	cat "$build/configure.log" >&2
	echo "run_asan: configuring failed" >&2
	exit 1
}
echo "run_asan: building"
cmake --build "$build" -j"$jobs" >"$build/build.log" 2>&1 || {
	tail -n 60 "$build/build.log" >&2
	echo "run_asan: the build failed (full log: $build/build.log)" >&2
	exit 1
}

# The e2e scripts run the binary many times; the options reach them
# through the environment like everything else.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "run_asan: ctest -L 'unit|golden|e2e' (ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS)"
status=0
ctest --test-dir "$build" --output-on-failure --no-tests=error -j"$jobs" -L 'unit|golden|e2e' || status=$?
if [ $status -ne 0 ]; then
	echo "run_asan: FAILED (ctest exit status $status)" >&2
else
	echo "run_asan: all sanitized tests passed"
fi
exit $status
