#!/usr/bin/env bash
# Installs rowsort to a fresh prefix, then builds the embedding example out of tree against it
# with find_package and with pkg-config, and runs both. Also checks that the shared library
# exports only rowsort_* symbols and that the header compiles as C++.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake -S . -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DROWSORT_WERROR=ON \
  -DROWSORT_BUILD_TESTS=OFF -DROWSORT_BUILD_CLI=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$work/build" -j"$(nproc)" >/dev/null
cmake --install "$work/build" >/dev/null
lib=$(ls "$prefix"/lib*/librowsort.so.0)
echo "installed: $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"

# Only rowsort_* symbols are exported from the shared library.
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^rowsort_' || true)
if [ -n "$bad" ]; then
  echo "FAIL: symbols exported besides rowsort_*:" $bad >&2
  exit 1
fi
echo "exports: $(nm -D --defined-only "$lib" | grep -c ' rowsort_') rowsort_* symbols, nothing else"
# The SONAME is versioned.
objdump -p "$lib" | grep -q 'SONAME.*librowsort.so.0' || { echo "FAIL: no versioned SONAME" >&2; exit 1; }

# No writable global state in the library: no objects in .data or .bss.
globals=$(objdump -t "$prefix"/lib*/librowsort.a | grep -E '^[0-9a-f]+ .{7}O \.(data|bss)' || true)
if [ -n "$globals" ]; then
  echo "FAIL: writable global objects in librowsort.a:" >&2
  echo "$globals" >&2
  exit 1
fi
echo "globals: no objects in .data or .bss"

# The header compiles as C and as C++.
echo '#include <rowsort.h>
int main(void) { return rowsort_version_number() == ROWSORT_VERSION_NUMBER ? 0 : 1; }' > "$work/hdr.cpp"
c++ -std=c++11 -Wall -Wextra -Werror -I"$prefix/include" -c "$work/hdr.cpp" -o "$work/hdr.o"
cc -std=c11 -Wall -Wextra -Werror -x c -I"$prefix/include" -c "$work/hdr.cpp" -o "$work/hdr_c.o"

# find_package
cmake -S examples/embed -B "$work/embed-cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/embed-cmake" >/dev/null
LD_LIBRARY_PATH="$(dirname "$lib")" "$work/embed-cmake/embed"

# pkg-config
export PKG_CONFIG_PATH="$(dirname "$lib")/pkgconfig"
cc -std=c11 -Wall -Wextra -Werror examples/embed/embed.c $(pkg-config --cflags --libs rowsort) \
  -o "$work/embed-pc"
LD_LIBRARY_PATH="$(dirname "$lib")" "$work/embed-pc"
echo "install test: ok"
