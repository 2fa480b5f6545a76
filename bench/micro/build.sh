#!/bin/sh
# Builds build-micro/libkernels_shim.so for kernels_cmp.py (needs libhwy-dev).
# MICRO_OUT=DIR builds elsewhere; MICRO_CFLAGS adds flags to the avx512 kernels, e.g. a
# threshold to compare: MICRO_CFLAGS=-DU16_NATIVE_MAX=0 MICRO_OUT=/tmp/radix bash bench/micro/build.sh
set -e
cd "$(dirname "$0")/../.."
K=engine/kernels
O=${MICRO_OUT:-build-micro}
mkdir -p $O
gcc -O3 -fPIC -std=c11 -mavx2 -mbmi -mbmi2 -mpopcnt -mfma -I$K -c $K/kern_avx2.c -o $O/kern_avx2.o
gcc -O3 -fPIC -std=c11 $MICRO_CFLAGS -mavx512f -mavx512bw -mavx512vl -mavx512dq -mbmi -mbmi2 -mpopcnt -I$K \
    -c $K/kern_avx512.c -o $O/kern_avx512.o
gcc -O2 -fPIC -std=c11 -I$K -c bench/micro/kernels_shim.c -o $O/kernels_shim.o
g++ -O2 -fPIC -c bench/micro/kernels_vq.cc -o $O/kernels_vq.o
g++ -shared $O/kernels_shim.o $O/kern_avx2.o $O/kern_avx512.o $O/kernels_vq.o \
    -lhwy_contrib -lhwy -o $O/libkernels_shim.so
