#!/usr/bin/env bash
# On the remote machine, in a copy of the repository with devrun/ from bench/remote/pack.sh:
# the CPU, the AVX-512 kernel cases and the engine suites in parallel (one process per
# Check case), `rowsort info`, then the thread-scaling benchmark on 1, 2, 4, 8, 16 threads.
# Results go to $OUT (default /tmp/rowsort-remote). Environment: TT (seconds per test
# program, 170), BT (seconds for the benchmark, 300; 0 skips it), REV (label of the build),
# SORT_ISAS (paths for test_sort), BARGS (more bench_scaling.py arguments).
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-/tmp/rowsort-remote}; mkdir -p "$OUT"
D=$PWD/devrun; export LD_LIBRARY_PATH=$D/lib; B=$D/bin
# The kernel suite's Check cases, read from its source so that a new case is not missed.
cases=$(grep -o 'tcase_create("[a-z0-9_]*")' tests/test_kernels.c | cut -d'"' -f2)
{ nproc; grep -m1 'model name' /proc/cpuinfo; grep -m3 -E '^(cpu family|model\s)' /proc/cpuinfo; grep -o 'avx512[a-z0-9_]*' /proc/cpuinfo | sort -u | tr '\n' ' '; echo; lscpu | grep -iE 'numa|socket|thread|L2|L3'; } 2>&1 | tee $OUT/cpu.txt
printf '{"rowsort": "%s", "peers": "%s", "build_type": "Release"}\n' $D/bb/engine/librowsort.so $D/bb/bench/librowsort_bench_peers.so > $D/bb/bench/bench_libs.json
t0=$(date +%s)
run() { local tag=$1; shift; local s=$(date +%s); timeout ${TT:-170} "$@" > $OUT/t_$tag.log 2>&1; echo "$tag rc=$? $(( $(date +%s)-s ))s $(tail -1 $OUT/t_$tag.log)"; }
export -f run; export OUT B
( for c in $cases; do echo "k_avx512_$c env ROWSORT_TEST_ISA=avx512 CK_RUN_CASE=$c $B/test_kernels"; done
  for isa in ${SORT_ISAS:-avx512 avx2 scalar}; do echo "s_$isa env ROWSORT_TEST_ISA=$isa OMP_WAIT_POLICY=passive $B/test_sort"; done
  echo "sched $B/test_sched"; echo "plan $B/test_plan"; echo "api $B/test_api"; echo "keys $B/test_keys"
  echo "plan_cpu0 env RS_TEST_ONLY_CPU0=1 taskset -c 0 $B/test_plan"; echo "sched_cpu0 taskset -c 0 $B/test_sched"
) | xargs -P 16 -I{} bash -c 'run {}' | sort > $OUT/tests.txt
cat $OUT/tests.txt; echo "tests took $(( $(date +%s)-t0 ))s"
$B/rowsort info > $OUT/info.txt 2>&1; head -40 $OUT/info.txt
[ "${BT:-300}" = 0 ] || PYTHONUNBUFFERED=1 ROWSORT_BENCH_REV="${REV:-device}" timeout ${BT:-300} python3 bench/bench_scaling.py --build-dir $D/bb --threads 1,2,4,8,16 --csv $OUT/scaling-device.csv ${BARGS:-} 2>&1 | tee $OUT/scaling.log
echo "total $(( $(date +%s)-t0 ))s"
