#!/usr/bin/env python3
"""Write models/<name>/README.md for a text (needle) model from its training.json
(train_text.py), PyTorch's held-out answers (train_text.py --eval-only --json) and a
`jamba-eval run suites/needle.yaml` output folder (accuracy.csv and samples/).

  text_card.py --model models/jamba-needle --name jamba-needle --torch /tmp/jamba-needle-torch.json --run results/needle
"""
import argparse
import csv
import json
import os
import shlex

import train
from model_card import save_card

DESCRIPTION = {
    "hybrid": "Jamba hybrid: Mamba, Mamba, attention, Mamba (one attention layer in four, attn_layer_period 4, offset 2)",
    "transformer": "transformer-only twin of jamba-needle: attention in all four layers (attn_layer_period 1, "
                   "offset 0); like every Jamba attention layer, no positional encoding",
    "mamba": "pure-Mamba twin of jamba-needle: Mamba in all four layers (attn_layer_period 8, offset 7: no layer "
             "index matches)",
    "llama": "Llama (`LlamaForCausalLM`) baseline for jamba-needle: attention with rotary positions in all four "
             "layers, at jamba-needle's width, depth, heads, KV heads, vocabulary and training data",
}
SIBLINGS = ["jamba-needle", "llama-needle", "transformer-needle", "mamba-needle"]


def engine_scores(run, name, task):
    """{record id: score} of one model on one task from the run's samples file."""
    path = os.path.join(run, "samples", name, f"{task}.jsonl")
    out = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "id" in r and "score" in r:
                out[r["id"]] = r["score"]
    return out


def accuracy_rows(run):
    """{(model, task, length): mean %} from accuracy.csv (rows of bucket 'length')."""
    rows = {}
    with open(os.path.join(run, "accuracy.csv")) as f:
        for r in csv.DictReader(f):
            if r["bucket"] == "length" and not r["depth"]:
                rows[(r["model"], r["task"], int(r["length"]))] = 100 * float(r["mean"])
            elif r["bucket"] == "overall":
                rows[(r["model"], r["task"], "all")] = 100 * float(r["mean"])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--torch", required=True, help="train_text.py --eval-only --json output")
    ap.add_argument("--run", required=True, help="a `jamba-eval run suites/needle.yaml` output folder")
    args = ap.parse_args()
    t = json.load(open(os.path.join(args.model, "training.json")))
    pt = json.load(open(args.torch))
    acc = accuracy_rows(args.run)
    c = t["config"]
    llama = t["arch"] == "llama"
    import jamba_torch
    out = []
    w = out.append
    w(f"# {args.name}\n")
    w(f"A {DESCRIPTION[t['arch']]}, trained from scratch on RULER-style needle-in-a-haystack text records for "
      "jamba-eval's needle suite (issue 18). A test model for measuring recall by depth and length, not a "
      "language model.\n")
    if not any(t["val_accuracy"].values()):
        w(f"**This model did not learn the task in its budget**: its answer loss ended at {t['final_train_loss']:.3g} "
          "nats per token (a guessed digit costs ln 10 = 2.3) and it answers no held-out record. It is kept so the "
          "suite shows what the budget buys each architecture; see tools/train/README.md for what was tried.\n")
    w("| | |\n|---|---|")
    if llama:
        w(f"| layers | {c['num_hidden_layers']}: {' '.join('A' * c['num_hidden_layers'])} (A = attention with rotary "
          f"positions, rope_theta {c['rope_theta']:g}), a dense gated-SiLU MLP in every layer, RMSNorm, no biases |")
        w(f"| width | hidden {c['hidden_size']}, intermediate {c['intermediate_size']}, {c['num_attention_heads']} heads / "
          f"{c['num_key_value_heads']} KV heads, head_dim {c['head_dim']} |")
    else:
        kinds = ["A" if k == "attention" else "M" for k in jamba_torch.layer_kinds(c)]
        moe = [i for i, e in enumerate(jamba_torch.layer_experts(c)) if e > 1]
        w(f"| layers | {c['num_hidden_layers']}: {' '.join(kinds)} (M = Mamba, A = attention); MoE ({c['num_experts']} "
          f"experts, top-{c['num_experts_per_tok']}) on layers {', '.join(map(str, moe))}, dense MLP elsewhere |")
        w(f"| width | hidden {c['hidden_size']}, intermediate {c['intermediate_size']}, {c['num_attention_heads']} heads / "
          f"{c['num_key_value_heads']} KV heads, Mamba d_state {c['mamba_d_state']}, d_conv {c['mamba_d_conv']}, "
          f"expand {c['mamba_expand']}, dt_rank {jamba_torch.dt_rank(c)} |")
    w(f"| vocabulary | {c['vocab_size']}: tokenizers/bpe-1k's 1,163 ids (`<unk>` 0, `<s>` 1, `</s>` 2), padded |")
    size = os.path.getsize(os.path.join(args.model, "model.safetensors")) / 2**20
    w(f"| parameters | {t['params']:,} (float32, {size:.2f} MiB); {t['active_params']:,} active per token |")
    fmt = "LlamaForCausalLM" if llama else "JambaForCausalLM"
    w(f"| format | `{fmt}.save_pretrained` (transformers 5.24.0) with bpe-1k's tokenizer.json |\n")
    w("## Training\n")
    variants = ", ".join(t["variants"])
    if t.get("schedule"):
        from train_text import parse_schedule
        stages = ", ".join(f"{n} steps at {L} tokens" + (f" ({' and '.join(only)} only)" if only != t["variants"] else "")
                           for n, L, only in parse_schedule(t["schedule"], t["variants"]))
        w(f"* Data: `jamba-eval data niah --variant V --lengths L --depths 0:100:21 --tokenizer tokenizers/bpe-1k "
          f"--seed S` for V in {variants} (noise haystack, 7-digit values; multikey: 4 needles, one asked), a "
          f"curriculum of {stages} (S = {t['data_seed']} + 10 × stage + variant), batches taking a stage's variants "
          "in turn, each record used once.")
    else:
        w(f"* Data: `jamba-eval data niah --variant V --lengths {t['seq_len']} --depths 0:100:21 --tokenizer "
          f"tokenizers/bpe-1k --seed {t['data_seed']}+i` for V in {variants} (noise haystack, 7-digit values; "
          "multikey: 4 needles, one asked), batches taking the variants in turn, each record used once.")
    w("* Each record is the prompt `jamba-eval run` builds (`input + answer_prefix` with bpe-1k's `<s> … </s>` "
      "template) followed by the answer (`\" \" + \", \".join(outputs)`) and `</s>`, the engine's stop token. Loss: "
      f"cross-entropy over the answer tokens, plus {t.get('lm_weight', 0):g} × the next-token cross-entropy over the "
      "prompt (the haystack's repeats teach copying from earlier context).")
    planned = t.get("planned_steps", t["steps"])
    stopped = f" of {planned} planned (stopped by {t['stop_reason']})" if t["steps"] < planned else ""
    w(f"* {t['steps']} steps{stopped}, batches of {t['batch']}, training length {t['seq_len']}; AdamW lr {t['lr']} "
      f"({t['warmup']} warm-up steps, cosine to 10%), weight decay 0.1, clip 1; seed {t['seed']}; {t['threads']} "
      f"thread; {t['minutes']} min ({t['cpu_minutes']} min of CPU) on {t['machine']}.")
    va = ", ".join(f"{k} {v:.1f}%" for k, v in t["val_accuracy"].items())
    w(f"* Final training loss (answer tokens, mean of the last 100 steps): **{t['final_train_loss']:.4g}**. Validation "
      f"(seed {t['val_seed']}+i, {t['seq_len']} tokens, 5 depths × 4 records per variant, greedy, RULER's "
      f"string_match_all): {va}.")
    w(f"* transformers' `{fmt}` loaded from this folder vs the training forward: max |logit diff| "
      f"{t['hf_max_abs_logit_diff']:.2g}.\n")
    loss = dict((int(s), v) for s, v in t["loss_history"])
    val = dict((int(s), a) for s, a in t.get("val_accuracy_history", []))
    if loss:
        w("Loss curve (answer loss, mean over the 50 steps up to the step; validation accuracy %; full curve in "
          "training.json):\n")
        w("| step | training loss | " + " | ".join(f"val {v}" for v in t["variants"]) + " |")
        w("|---|---|" + "---|" * len(t["variants"]))
        for s in sorted(set(val) | {max(loss)}):
            if s in loss:
                cells = [f"{val[s][v]:.1f}" if s in val else "" for v in t["variants"]]
                w(f"| {s} | {loss[s]:.4g} | " + " | ".join(cells) + " |")
        w("")
    w("Reproduce (from the repository root; see tools/train/README.md):\n")
    w("```sh")
    w(".venv-reference/bin/python " + shlex.join(t["command"].split()))
    w("```\n")
    w("## Held-out accuracy (string_match_all, %)\n")
    w("Held-out grids `datasets/ruler/needle/niah_{single,multikey}.jsonl.zst` (tools/reference/data/make_datasets.sh, "
      "seeds 21 and 22), 5 depths × 8 records per length, greedy answers of up to the records' max_new_tokens (32), "
      "stopping at `</s>`. PyTorch = the training forward with a cache-free greedy loop (`train_text.py --eval-only`), "
      "run at 1× and 4× the training length (its cache-free loop makes 16× slow); jamba-eval = `jamba-eval run "
      "suites/needle.yaml`.\n")
    tasks = [fname.split(".")[0] for fname in pt["files"]]
    lengths = sorted({int(T) for (m, task, T) in acc if m == args.name and task in tasks and T != "all"})
    w("| set | " + " | ".join(f"T={T} PyTorch | T={T} jamba-eval" for T in lengths) + " |")
    w("|---|" + "---|" * (2 * len(lengths)))
    differ = compared = 0
    for fname, f in pt["files"].items():
        task = fname.split(".")[0]
        cells = []
        for T in lengths:
            p = f["lengths"].get(str(T))
            cells += [f"{p:.1f}" if p is not None else "—", f"{acc.get((args.name, task, T), float('nan')):.1f}"]
        w(f"| {task} | " + " | ".join(cells) + " |")
        eng = engine_scores(args.run, args.name, task)
        for rid, r in f["records"].items():
            if rid in eng:
                compared += 1
                differ += abs(r["score"] - eng[rid]) > 1e-9
    w(f"\nRecords scored differently by PyTorch and jamba-eval: {differ} of {compared} compared.\n")
    others = sorted({task for (m, task, T) in acc if m == args.name and task not in tasks})
    if others:
        w("RULER's own records in the same suite (datasets/ruler/native: RULER's generators, bpe-1k, RULER's phrasing "
          "and max_new_tokens), jamba-eval over all lengths: "
          + ", ".join(f"{task} {acc.get((args.name, task, 'all'), float('nan')):.1f}" for task in others) + ".\n")
    w("## Against the other needle models (jamba-eval, %)\n")
    w("| model | " + " | ".join(tasks) + " |")
    w("|---|" + "---|" * len(tasks))
    for sib in SIBLINGS:
        if any(m == sib for (m, _, _) in acc):
            cells = [" / ".join(f"{acc.get((sib, task, T), float('nan')):.1f}" for T in lengths) for task in tasks]
            w(f"| {sib} | " + " | ".join(cells) + " |")
    w("\nEach cell: T=" + " / T=".join(str(T) for T in lengths) + ".\n")
    save_card(args.model, out)


if __name__ == "__main__":
    train.log  # keep the import used (train sets sys.path for jamba_torch)
    main()
