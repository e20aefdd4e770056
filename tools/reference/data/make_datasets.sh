#!/usr/bin/env bash
# Regenerates the small datasets of the default suite (datasets/*.jsonl.zst, a few hundred KiB in
# all). Every command is deterministic: the same binary, tokenizer and seed write byte-identical
# files, so a diff after running this means a generator changed.
#
#   JAMBA_EVAL   the CLI to run             (default: .build/release/jamba-eval)
#   TOKENIZER    a model folder whose tokenizer.json sizes the records; without it records are
#                sized with the tokenizer-free word counter (lengths then are not the model's)
#   OUT          output folder              (default: datasets)
set -euo pipefail
JAMBA_EVAL=${JAMBA_EVAL:-.build/release/jamba-eval}
OUT=${OUT:-datasets}
if [[ -n "${TOKENIZER:-}" ]]; then SIZE=(--tokenizer "$TOKENIZER"); else SIZE=(--counter words); fi
mkdir -p "$OUT" "$OUT/needle"
# Level 19: these files are committed, and small enough that the slow level costs nothing.
gen() { "$JAMBA_EVAL" data "$@" --level 19; }

LENGTHS=1024,4096
gen niah --variant single     --haystack noise   --values number "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:11 --samples 2 --seed 1 --out "$OUT/niah_single.jsonl.zst"
gen niah --variant single     --haystack essay   --values number "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:11 --samples 1 --seed 2 --task niah_single_essay --out "$OUT/niah_single_essay.jsonl.zst"
gen niah --variant single     --haystack essay   --values uuid   "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:5  --samples 1 --seed 3 --task niah_single_uuid --out "$OUT/niah_single_uuid.jsonl.zst"
gen niah --variant multikey   --haystack essay   --keys 4        "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:5  --samples 1 --seed 4 --out "$OUT/niah_multikey.jsonl.zst"
gen niah --variant multikey   --haystack needles --keys 1        "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:5  --samples 1 --seed 5 --task niah_multikey_needles --out "$OUT/niah_multikey_needles.jsonl.zst"
gen niah --variant multivalue --haystack essay   --value-count 4 "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:5  --samples 1 --seed 6 --out "$OUT/niah_multivalue.jsonl.zst"
gen niah --variant multiquery --haystack essay   --queries 4     "${SIZE[@]}" --lengths $LENGTHS --depths 0:100:5  --samples 1 --seed 7 --out "$OUT/niah_multiquery.jsonl.zst"
gen variable-tracking --chains 1 --hops 4 "${SIZE[@]}" --lengths $LENGTHS --samples 8 --seed 8 --out "$OUT/variable_tracking.jsonl.zst"
# MQAR over ids 1000..9191 (clear of special tokens); 64 pairs at 512 tokens, 256 pairs at 2048.
gen kv-recall --vocabulary 8192 --first-id 1000 --pairs 64  --lengths 512  --samples 16 --seed 9 --out "$OUT/kv_recall_64.jsonl.zst"
gen kv-recall --vocabulary 8192 --first-id 1000 --pairs 256 --lengths 2048 --samples 16 --seed 10 --out "$OUT/kv_recall_256.jsonl.zst"

# The needle suite (suites/needle.yaml): held-out grids for the text models trained by
# tools/train/train_text.py (noise haystack, bpe-1k, training length 512; training seeds 5000+,
# validation 6000+): 1x, 4x and 16x the training length x 5 depths x 8 samples.
gen niah --variant single   --haystack noise --values number --tokenizer tokenizers/bpe-1k \
  --lengths 512,2048,8192 --depths 0:100:5 --samples 8 --seed 21 --out "$OUT/needle/niah_single.jsonl.zst"
gen niah --variant multikey --haystack noise --values number --tokenizer tokenizers/bpe-1k \
  --lengths 512,2048,8192 --depths 0:100:5 --samples 8 --seed 22 --out "$OUT/needle/niah_multikey.jsonl.zst"
