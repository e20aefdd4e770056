#!/usr/bin/env python3
"""RULER's own records, sized with one of this repository's tokenizers, in RULER's file layout.

RULER (NVIDIA/RULER) is not on PyPI and this machine has no other way to reach it; EleutherAI's
lm-evaluation-harness (PyPI `lm_eval`) carries a port of RULER's synthetic generators
(lm_eval/tasks/ruler: prepare_niah.py, vt_utils.py). This script runs those generators, unchanged,
with a tokenizer folder of ours, and writes each task as RULER writes it: <out>/<task>/validation.jsonl
with RULER's fields (index, input, outputs, length, length_w_model_temp, answer_prefix,
token_position_answer) and the port's max_length (the length asked for, which jamba-eval's tables
group by): no id, no max_new_tokens, no metric; jamba-eval takes those from the task family
(RulerFamily: niah 128 new tokens, vt 30; string_match_all).

Only the tasks whose haystack needs no download: niah_single_1 (repeated noise sentences),
niah_multikey_2 (a haystack of other needles) and vt (variable tracking over noise). The essay
haystacks (niah_single_2, niah_multikey_1, …) load Paul Graham's essays from the Hugging Face hub.

  pip install --target /tmp/rpk lm_eval==0.4.9 wonderwords nltk datasets   # or unpack the wheel's tasks/ruler
  RULER_PATH=/tmp/rpk .venv-reference/bin/python tools/reference/data/make_ruler_records.py \
      --tokenizer tokenizers/bpe-1k --lengths 512,2048 --samples 20 --out /tmp/ruler
"""
import argparse
import json
import os
import random
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokenizer", required=True, help="a folder with tokenizer.json (and tokenizer_config.json)")
    ap.add_argument("--lengths", default="512,2048")
    ap.add_argument("--vt-lengths", default="2048",
                    help="vt's lengths: its one-shot example alone takes ~500 tokens of a small vocabulary")
    ap.add_argument("--samples", type=int, default=20, help="records per task and length")
    ap.add_argument("--seed", type=int, default=42, help="RULER's RANDOM_SEED")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    # The tokenizer.json itself (with its <s> … </s> template, as jamba-eval encodes prompts);
    # imported before RULER_PATH joins sys.path, so that its packages do not shadow ours.
    from transformers import PreTrainedTokenizerFast
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.tokenizer, "tokenizer.json"))
    sys.path.append(os.environ.get("RULER_PATH", "/tmp/rpk"))
    from lm_eval.tasks.ruler import niah_utils, prepare_niah, vt_utils

    def niah(haystack, **kw):
        return lambda n: prepare_niah.generate_samples(
            prepare_niah.get_haystack(type_haystack=haystack), TOKENIZER=tok, max_seq_length=n,
            template=niah_utils.TEMPLATE, type_haystack=haystack, type_needle_k="words",
            num_samples=args.samples, random_seed=args.seed, **kw)

    def vt(n):
        example = vt_utils.sys_vartrack_w_noise_random(tokenizer=tok, num_samples=1, max_seq_length=500, incremental=5)[0]
        return vt_utils.sys_vartrack_w_noise_random(tokenizer=tok, num_samples=args.samples, max_seq_length=n,
                                                    icl_example=example)

    tasks = {  # RULER's names and settings (lm_eval/tasks/ruler/niah_utils.py, vt.yaml)
        "niah_single_1": (niah("repeat", type_needle_v="numbers"), args.lengths),
        "niah_multikey_2": (niah("needle", type_needle_v="numbers"), args.lengths),
        "vt": (vt, args.vt_lengths),
    }
    for name, (make, lengths) in tasks.items():
        random.seed(args.seed)
        np.random.seed(args.seed)
        records = []
        for n in (int(x) for x in lengths.split(",")):
            for r in make(n):
                # lm_eval keeps RULER's answer prefix as gen_prefix; RULER's own files call it
                # answer_prefix and put a space before it (RULER's template ends the input there).
                prefix = " " + r["gen_prefix"]
                records.append({"index": len(records), "input": r["input"], "outputs": r["outputs"],
                                "length": r["length"], "length_w_model_temp": r["length"], "answer_prefix": prefix,
                                "token_position_answer": None, "max_length": r["max_length"]})
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        path = os.path.join(args.out, name, "validation.jsonl")
        with open(path, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        print(f"wrote {path}: {len(records)} records, lengths {min(r['length'] for r in records)}…"
              f"{max(r['length'] for r in records)} tokens")


if __name__ == "__main__":
    main()
