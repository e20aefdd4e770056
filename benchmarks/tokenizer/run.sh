#!/usr/bin/env bash
# Tokenizer encode speed, Swift (JambaTokenizers) against Python (`tokenizers`), one thread each,
# 10 MB of generated English, same tokenizer.json. See README.md beside this file.
#
#   benchmarks/tokenizer/run.sh [PYTHON] [WORK_DIR]
#
# PYTHON needs the `tokenizers` package (default: python3); WORK_DIR (default /tmp/tokbench)
# receives the text and the two larger tokenizers, made once.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${1:-python3}"
WORK="${2:-/tmp/tokbench}"
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false

mkdir -p "$WORK"
[ -f "$WORK/en10.txt" ] || "$PYTHON" "$ROOT/tools/reference/tokenizers/english_text.py" "$WORK/en10.txt" 10
[ -f "$WORK/sp_bpe_32k/tokenizer.json" ] || "$PYTHON" "$HERE/make_bench_tokenizers.py" "$WORK"
(cd "$HERE" && swift build -c release --product tokenizer-bench >/dev/null)
BENCH="$HERE/.build/release/tokenizer-bench"

printf '%-24s %14s %14s %10s %7s %s\n' tokenizer "python batch" "python loop" swift ratio "same ids"
for model in "$WORK/sp_bpe_32k" "$WORK/gpt2_32k" "$ROOT"/Tests/Fixtures/tokenizers/*/; do
    [ -f "$model/tokenizer.json" ] || continue
    py="$("$PYTHON" "$HERE/bench_python.py" "$model" "$WORK/en10.txt")"
    sw="$("$BENCH" "$model" "$WORK/en10.txt")"
    batch="$(grep -o 'encode_batch.*' <<<"$py" | grep -oE '[0-9.]+ MB/s' | cut -d' ' -f1)"
    loop="$(grep -o 'encode loop.*' <<<"$py" | grep -oE '[0-9.]+ MB/s' | cut -d' ' -f1)"
    swift="$(grep -oE '[0-9.]+ MB/s' <<<"$sw" | cut -d' ' -f1)"
    same=no
    [ "$(grep -oE 'checksum [0-9]+' <<<"$py")" = "$(grep -oE 'checksum [0-9]+' <<<"$sw")" ] && same=yes
    ratio="$(awk -v s="$swift" -v b="$batch" -v l="$loop" 'BEGIN { p = b > l ? b : l; printf "%.1fx", s / p }')"
    printf '%-24s %9s MB/s %9s MB/s %5s MB/s %7s %s\n' "$(basename "$model")" "$batch" "$loop" "$swift" "$ratio" "$same"
done
