#!/usr/bin/env bash
# Side-by-side throughput of jamba-eval and llama.cpp on jamba-mini (F32, the same seed-0 random
# weights), interleaved A B A B over rounds, as issue 13's "How to measure" asks. See README.md here.
#
#   tools/peers/llama_cpp.sh WORKDIR [ROUNDS]      (ROUNDS=0: download, build and convert only)
#
# WORKDIR must lie outside the repository: it receives the llama-cpp-python sdist, the llama.cpp
# build, the checkpoint folder, the GGUF (2 GB) and the raw results. Re-running reuses what is
# there (delete WORKDIR/build to rebuild). Never run this in CI.
#
# Environment (all optional):
#   JAMBA_EVAL  the jamba-eval binary (default: REPO/.build/release/jamba-eval; build it with `make build`)
#   PYTHON      a Python with torch, numpy, safetensors, transformers and tokenizers, for the converter
#               (default: REPO/.venv-reference/bin/python if present, else python3)
#   THREADS     threads for both programs (default 2)
#   JOBS        parallel compile jobs (default 2)
#   PREFILL     prompt lengths of the prefill tests (default 512,2048,8192: issue 13's three)
set -euo pipefail

usage() { echo "usage: $0 WORKDIR [ROUNDS]" >&2; exit 1; }
[ $# -ge 1 ] || usage
REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
WORK=$(cd "$1" && pwd)
ROUNDS=${2:-3}
case "$WORK/" in "$REPO"/*) echo "WORKDIR must be outside the repository ($REPO)" >&2; exit 1;; esac

VERSION=0.3.36
SDIST=llama_cpp_python-$VERSION.tar.gz
SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
JAMBA_EVAL=${JAMBA_EVAL:-$REPO/.build/release/jamba-eval}
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$REPO/.venv-reference/bin/python" ]; then PYTHON=$REPO/.venv-reference/bin/python; else PYTHON=python3; fi
fi
THREADS=${THREADS:-2}
JOBS=${JOBS:-2}
CONFIG=$REPO/configs/jamba-mini.json
SRC=$WORK/llama_cpp_python-$VERSION/vendor/llama.cpp
BIN=$WORK/build/bin
CKPT=$WORK/jamba-mini
GGUF=$WORK/jamba-mini-f32.gguf
[ -x "$JAMBA_EVAL" ] || { echo "no jamba-eval at $JAMBA_EVAL (make build, or set JAMBA_EVAL)" >&2; exit 1; }

# 1. The llama.cpp vendored in the llama-cpp-python sdist (fetched from the file PyPI's simple index
#    lists: `pip download` would try to build the sdist's build dependencies first).
if [ ! -f "$WORK/$SDIST" ]; then
    url=$(curl -fsSL "https://pypi.org/simple/llama-cpp-python/" | grep -o "https://files.pythonhosted.org[^\"#]*/$SDIST" | head -1)
    [ -n "$url" ] || { echo "$SDIST not found on the PyPI simple index" >&2; exit 1; }
    curl -fsSL -o "$WORK/$SDIST.part" "$url" && mv "$WORK/$SDIST.part" "$WORK/$SDIST"
fi
echo "$SHA256  $WORK/$SDIST" | sha256sum -c --quiet
[ -d "$SRC" ] || tar -xzf "$WORK/$SDIST" -C "$WORK"

if [ ! -x "$BIN/llama-bench" ] || [ ! -x "$BIN/llama-batched-bench" ]; then
    cmake -S "$SRC" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DGGML_BLAS=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF \
        > "$WORK/cmake.log"
    cmake --build "$WORK/build" --config Release -j "$JOBS" --target llama-bench llama-batched-bench > "$WORK/build.log"
fi

# 2. The checkpoint jamba-eval makes from the config (seed 0), a tokenizer of the config's vocabulary
#    size for the converter, and the F32 GGUF.
if [ ! -f "$CKPT/model.safetensors" ]; then
    "$JAMBA_EVAL" init --config "$CONFIG" --seed 0 --out "$CKPT"
fi
[ -f "$CKPT/tokenizer.json" ] || "$PYTHON" "$REPO/tools/peers/make_tokenizer.py" "$CKPT"
if [ ! -f "$GGUF" ]; then
    "$PYTHON" "$SRC/convert_hf_to_gguf.py" "$CKPT" --outtype f32 --outfile "$GGUF.part" > "$WORK/convert.log" 2>&1
    mv "$GGUF.part" "$GGUF"
fi

[ "$ROUNDS" -gt 0 ] || { echo "prepared $GGUF (ROUNDS=0: nothing measured)" >&2; exit 0; }

# 3. Interleaved rounds. On a shared machine other processes' niceness does not protect a measurement
#    (the scheduler groups processes by session): raise this session's group if allowed.
echo -20 > /proc/self/autogroup 2>/dev/null || echo "note: could not raise /proc/self/autogroup; results may be noisier" >&2
OUT=$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "cpu_family_model: $(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')/$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
    echo "avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
    echo "avx2_fma: $(grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && echo yes || echo no)"
    echo "cores: $(nproc)"
    echo "threads: $THREADS"
    echo "OPENBLAS_CORETYPE: ${OPENBLAS_CORETYPE:-unset}"
    echo "jamba_eval_commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "jamba_eval_sha256: $(sha256sum "$JAMBA_EVAL" | cut -c1-16)"
    echo "llama_cpp: llama-cpp-python $VERSION vendored llama.cpp, GGML_NATIVE=ON, BLAS off"
} > "$OUT/machine.txt"

je() { "$JAMBA_EVAL" bench "$CONFIG" --seed 0 --threads "$THREADS" -r 1 "$@"; }
load() { echo "$(date -u +%H:%M:%S) $1 $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"; }

for r in $(seq 1 "$ROUNDS"); do
    load "round$r-start"
    echo "round $r/$ROUNDS: prefill" >&2
    "$BIN/llama-bench" -m "$GGUF" -t "$THREADS" -fa 0 -p ${PREFILL:-512,2048,8192} -n 0 -r 1 -o jsonl > "$OUT/r$r-llama-pp.jsonl" 2> "$OUT/r$r-llama-pp.err"
    je -p ${PREFILL:-512,2048,8192} -g 0 --json "$OUT/r$r-je-pp.json" > "$OUT/r$r-je-pp.txt" 2>&1
    echo "round $r/$ROUNDS: decode, batch 1" >&2
    "$BIN/llama-bench" -m "$GGUF" -t "$THREADS" -fa 0 -p 0 -n 64 -r 1 -o jsonl > "$OUT/r$r-llama-tg.jsonl" 2> "$OUT/r$r-llama-tg.err"
    je -p 0 -g 64 --json "$OUT/r$r-je-tg.json" > "$OUT/r$r-je-tg.txt" 2>&1
    echo "round $r/$ROUNDS: decode, batch 8 (after 128 prompt tokens)" >&2
    "$BIN/llama-batched-bench" -m "$GGUF" -t "$THREADS" -c 4096 -b 2048 -ub 512 -npp 128 -ntg 64 -npl 1,8 \
        -fa 0 -ctk f32 -ctv f32 --output-format jsonl > "$OUT/r$r-llama-b8.jsonl" 2> "$OUT/r$r-llama-b8.err"
    je -p 0 -g 64 -d 128 -b 8 --json "$OUT/r$r-je-b8.json" > "$OUT/r$r-je-b8.txt" 2>&1
    load "round$r-end"
done

# 4. The table and the ratios against issue 13's targets.
"${SUMMARY_PYTHON:-python3}" "$REPO/tools/peers/summarize.py" "$OUT" --checkpoint "$CKPT" | tee "$OUT/summary.md"
echo "raw results: $OUT" >&2
