#!/bin/sh
# Held-out evaluation sets for the recall checkpoints (issue 8), made by jamba-eval's own
# generator with seed 88 (training data uses seed 1000, the training-time validation seed 2000).
# Ids: first-id 4 (after <pad> <bos> <eos> <unk>), 256 ids (filler 4, keys 5..131, values
# 132..259): the range the models' tokenizer.json gives `_`, `k0..k126`, `v0..v127`.
# Lengths: the training length (256) and 4x and 16x it.
# kv-recall-p*: MQAR with few (8), medium (32), many (64) pairs, every pair queried once; 50
#   records per length per file.
# niah-kv: needle in a haystack over the same ids: 4 key-value pairs (the needle and 3 distractor
#   pairs) at depths 0, 25, 50, 75, 100% of a filler haystack, one of the keys queried at the end;
#   6 records per length x depth. Training never put pairs after filler, so depth > 0 also tests
#   whether recall generalises in position.
set -eu
cd "$(dirname "$0")/../.."
BIN=${JAMBA_EVAL:-.build/release/jamba-eval}
for p in 8 32 64; do
  "$BIN" data kv-recall --lengths 256,1024,4096 --samples 50 --seed 88 --vocabulary 256 --first-id 4 \
    --pairs "$p" --task "kv_recall_p$p" --level 19 --out "datasets/kv-recall-p$p.jsonl.zst"
done
"$BIN" data kv-recall --lengths 256,1024,4096 --depths 0:100:5 --samples 6 --seed 88 --vocabulary 256 --first-id 4 \
  --pairs 4 --queries 1 --task niah_kv --level 19 --out datasets/niah-kv.jsonl.zst
