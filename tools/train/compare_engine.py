#!/usr/bin/env python3
"""jamba-eval vs PyTorch on the held-out kv_recall sets: positions accuracy from each, and how far
their logits are apart.

  compare_engine.py --model models/jamba-recall --data datasets/kv-recall-p*.jsonl.zst

For each file, records are grouped by length and sent in chunks to
`jamba-eval forward MODEL --ids-file ids.json --out logits.npy` (float32 [sequences, positions,
vocab]); the prediction at a record's position p is the argmax of the logits there, scored
against the target (per record, then averaged: the suite's positions_accuracy). The same records
go through train.py's PyTorch forward (FastJamba, equal to JambaForCausalLM, see --check-hf).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import scan_kernel  # noqa: E402
import train  # noqa: E402


def engine_logits(model, seqs, threads, tmp):
    ids_path = os.path.join(tmp, "ids.json")
    out_path = os.path.join(tmp, "logits.npy")
    with open(ids_path, "w") as f:
        json.dump(seqs, f)
    subprocess.run([train.JAMBA_EVAL, "forward", model, "--ids-file", ids_path, "--out", out_path,
                    "--threads", str(threads)], check=True, stdout=subprocess.DEVNULL)
    return np.load(out_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", nargs="+", required=True)
    ap.add_argument("--threads", type=int, default=2, help="jamba-eval --threads")
    ap.add_argument("--torch-threads", type=int, default=1)
    ap.add_argument("--chunk-tokens", type=int, default=16384, help="tokens per jamba-eval forward call")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", help="also write the numbers here (read by model_card.py)")
    args = ap.parse_args()
    summary = {}
    torch.set_num_threads(args.torch_threads)
    scan_kernel.THREADS[0] = args.torch_threads
    import transformers
    transformers.logging.set_verbosity_error()
    fast, _ = train.load_fast(args.model)

    with tempfile.TemporaryDirectory() as tmp:
        for path in args.data:
            recs = train.read_records(path, args.limit)
            by_len = {}
            for r in recs:
                by_len.setdefault(len(r["input_ids"]), []).append(r)
            rows, all_e, all_t = [], [], []
            worst, flips, n_pos = 0.0, 0, 0
            t_engine = t_torch = 0.0
            for T, group in sorted(by_len.items()):
                se, st = [], []
                worst_T = worst_q = 0.0
                bs = max(1, args.chunk_tokens // T)
                for s in range(0, len(group), bs):
                    chunk = group[s:s + bs]
                    t0 = time.time()
                    le = engine_logits(args.model, [r["input_ids"] for r in chunk], args.threads, tmp)
                    t_engine += time.time() - t0
                    t0 = time.time()
                    with torch.no_grad():
                        lt = fast(torch.tensor([r["input_ids"] for r in chunk])).numpy()
                    t_torch += time.time() - t0
                    assert le.shape == lt.shape, (le.shape, lt.shape)
                    for i, r in enumerate(chunk):
                        pos = [p for p, _ in r["positions"]]
                        tgt = np.array([t for _, t in r["positions"]])
                        pe, pt = le[i, pos].argmax(-1), lt[i, pos].argmax(-1)
                        se.append(float((pe == tgt).mean()))
                        st.append(float((pt == tgt).mean()))
                        flips += int((pe != pt).sum())
                        n_pos += len(pos)
                        worst_T = max(worst_T, float(np.abs(le[i] - lt[i]).max()))
                        worst_q = max(worst_q, float(np.abs(le[i, pos] - lt[i, pos]).max()))
                worst = max(worst, worst_T)
                rows.append((T, len(group), 100 * np.mean(se), 100 * np.mean(st), worst_T, worst_q))
                all_e += se
                all_t += st
            name = os.path.basename(path)
            print(f"{args.model} {name}: jamba-eval {100 * np.mean(all_e):.2f}  PyTorch {100 * np.mean(all_t):.2f}  "
                  f"(diff {100 * (np.mean(all_e) - np.mean(all_t)):+.2f} points; {flips} of {n_pos} predictions "
                  f"differ; max |logit diff| {worst:.3g}; engine {t_engine:.1f} s, torch {t_torch:.1f} s)")
            summary[name] = dict(
                engine=round(100 * float(np.mean(all_e)), 2), torch=round(100 * float(np.mean(all_t)), 2),
                predictions=n_pos, differing_predictions=flips, max_abs_logit_diff=worst,
                lengths={str(T): dict(n=n, engine=round(e, 2), torch=round(t, 2), max_abs_logit_diff=w,
                                      max_abs_logit_diff_scored=q) for T, n, e, t, w, q in rows})
            for T, n, e, t, w, q in rows:
                print(f"    T={T:5d} n={n:3d}: jamba-eval {e:6.2f}  PyTorch {t:6.2f}  max |logit diff| {w:.3g} "
                      f"(at the scored positions {q:.3g})")
            sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(model=args.model, jamba_eval=train.JAMBA_EVAL, files=summary), f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
