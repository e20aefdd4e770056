#!/usr/bin/env bash
# Builds the libFuzzer targets (one per untrusted format) into .build-fuzz/: the project's modules
# compiled with coverage and AddressSanitizer (swiftc -sanitize=fuzzer,address), one static library
# each, then a small harness per target (tools/fuzz/<target>.swift). SwiftPM is not used because
# its products carry their own main; libFuzzer brings its own. Usage: tools/fuzz/build.sh [target…]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=.build-fuzz
mkdir -p "$OUT"
SAN="-sanitize=fuzzer,address"
# SWIFT_PACKAGE: Yams imports its C library only when built as a package, as SwiftPM defines.
SWIFTC="swiftc $SAN -O -parse-as-library -swift-version 5 -DSWIFT_PACKAGE -I $OUT -I Sources/COpenBLAS -I Sources/CZstd"

# Yams (the suite parser's YAML library) from the package checkout; resolve it when missing.
YAMS=$(ls -d .build*/checkouts/Yams 2>/dev/null | head -1 || true)
if [ -z "$YAMS" ]; then swift package resolve >/dev/null; YAMS=.build/checkouts/Yams; fi
CYAML="$YAMS/Sources/CYaml"

module() {   # module NAME SOURCES…
  local name=$1; shift
  # Rebuilt when one of its own sources is newer (delete .build-fuzz after changing flags).
  [ -f "$OUT/lib$name.a" ] && [ -z "$(find "$@" -newer "$OUT/lib$name.a" 2>/dev/null | head -1)" ] && return 0
  echo "module $name"
  $SWIFTC -I "$CYAML/include" -Xcc -DYAML_DECLARE_STATIC -module-name "$name" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
    -emit-library -static -o "$OUT/lib$name.a" "$@"
}

# CCPUID, the one C target (CPUID, XCR0, prefetch and atomics for the kernels): its object in a
# static library, and a module map so that `import CCPUID` resolves as SwiftPM's generated one does.
if [ ! -f "$OUT/libCCPUID.a" ] || [ Sources/CCPUID/cpuid.c -nt "$OUT/libCCPUID.a" ] || [ Sources/CCPUID/include/CCPUID.h -nt "$OUT/libCCPUID.a" ]; then
  echo "module CCPUID"
  mkdir -p "$OUT/CCPUID"
  printf 'module CCPUID {\n  header "%s"\n  export *\n}\n' "$PWD/Sources/CCPUID/include/CCPUID.h" > "$OUT/CCPUID/module.modulemap"
  clang -c -O2 -fsanitize=fuzzer-no-link,address -I Sources/CCPUID/include Sources/CCPUID/cpuid.c -o "$OUT/ccpuid.o"
  rm -f "$OUT/libCCPUID.a"; ar rcs "$OUT/libCCPUID.a" "$OUT/ccpuid.o"
fi
SWIFTC="$SWIFTC -I $OUT/CCPUID"

module JambaSupport Sources/JambaSupport/*.swift
module JambaJSON Sources/JambaJSON/*.swift
module JambaKernels Sources/JambaKernels/*.swift
module JambaCheckpoint Sources/JambaCheckpoint/*.swift
module JambaTokenizers Sources/JambaTokenizers/*.swift
module JambaData Sources/JambaData/*.swift
module JambaModels Sources/JambaModels/*.swift
if [ ! -f "$OUT/libCYaml.a" ]; then
  echo "module CYaml"
  for f in "$CYAML"/src/*.c; do clang -c -O1 -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$CYAML/include" "$f" -o "$OUT/cyaml-$(basename "$f" .c).o"; done
  ar rcs "$OUT/libCYaml.a" "$OUT"/cyaml-*.o
fi
module Yams "$YAMS"/Sources/Yams/*.swift
module JambaEval Sources/JambaEval/*.swift

LIBS="-L $OUT -lJambaEval -lYams -lCYaml -lJambaModels -lJambaData -lJambaTokenizers -lJambaCheckpoint -lJambaKernels -lCCPUID -lJambaJSON -lJambaSupport -lopenblas -llapacke -lzstd"
TARGETS=${*:-safetensors config tokenizer suite jsonl zstd}
for t in $TARGETS; do
  echo "target $t"
  $SWIFTC -I "$CYAML/include" tools/fuzz/$t.swift $LIBS -o "$OUT/fuzz-$t" 2> >(grep -v "Cannot export local symbol" >&2)
done
