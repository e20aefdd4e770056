#!/usr/bin/env python3
"""Train small text models on RULER-style needle-in-a-haystack records (issue 18).

The records come from jamba-eval's own generator (`jamba-eval data niah`, the bpe-1k tokenizer,
other seeds than the held-out sets), so the trained models answer the prompts `jamba-eval run`
builds: a record's prompt is `input + answer_prefix`, encoded with the tokenizer's special tokens
(bpe-1k's template: `<s> ... </s>`), exactly as the engine encodes it; the target is the answer
(`" " + ", ".join(outputs)`, no special tokens) followed by `</s>`, the engine's stop token. The loss
is the cross-entropy over the answer tokens, plus --lm-weight × the next-token loss over the prompt.

  train_text.py --arch hybrid --out models/jamba-needle        # hybrid | transformer | mamba | llama
  train_text.py --eval-only --model models/jamba-needle --data datasets/ruler/needle/niah_single.jsonl.zst

Width and depth are one config for all four architectures (text_base below, --width; the Llama's
MLP is sized to the hybrid's active parameters per token). A --schedule of STEPS=LENGTH stages
trains on shorter haystacks first (the needle is easier to find there) and ends at the training
length. Greedy accuracy (RULER's string_match_all: every expected value appears in the decoded
answer) is measured with a cache-free greedy loop, the same function as transformers' generate()
without a cache.
"""
import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import train  # noqa: E402
from train import log  # noqa: E402

TOKENIZER = os.path.join(train.REPO, "tokenizers", "bpe-1k")

# One width and depth for the four text models: bpe-1k's 1,163 ids padded to 1,280 (as
# configs/needle-*.json), 4 layers, 4 heads / 2 KV heads; the width is --width (MLP 2× the width,
# head_dim width / 4). The Llama's dense MLP is sized so its parameters per token match the
# hybrid's active ones (two of four experts in each MoE layer): the closest multiple of 16.
def text_base(width):
    return dict(vocab_size=1280, hidden_size=width, intermediate_size=2 * width, num_attention_heads=4,
                num_key_value_heads=2, mamba_dt_rank=max(4, width // 16))


def llama_intermediate(width):
    """The multiple of 16 that brings the Llama's parameters closest to the hybrid's active ones."""
    target = train.active_params(train.build_model(train.model_config("hybrid", text_base(width))))
    best = None
    for inter in range(16, 16 * width + 1, 16):
        cfg = train.model_config("llama", dict(llama_overrides(width), intermediate_size=inter))
        n = sum(p.numel() for p in train.build_model(cfg).parameters())
        if best is None or abs(n - target) < best[0]:
            best = (abs(n - target), inter)
    return best[1]


def llama_overrides(width):
    base = text_base(width)
    base.pop("mamba_dt_rank")
    return dict(base, head_dim=width // 4)


def text_config(arch, width):
    if arch == "llama":
        return train.model_config("llama", dict(llama_overrides(width), intermediate_size=llama_intermediate(width)))
    return train.model_config(arch, text_base(width))


def parse_schedule(text, variants):
    """'800=256:single,1000=256,1000=512' -> [(800, 256, ['single']), (1000, 256, variants),
    (1000, 512, variants)]: steps at each length, and the variants a stage takes in turn (after a
    colon, joined by '+'; all of --variants when left out)."""
    stages = []
    for part in text.split(","):
        steps, rest = part.split("=")
        length, _, only = rest.partition(":")
        chosen = only.split("+") if only else list(variants)
        unknown = [v for v in chosen if v not in variants]
        if unknown:
            raise SystemExit(f"--schedule {part}: variant {unknown[0]} is not in --variants {','.join(variants)}")
        stages.append((int(steps), int(length), chosen))
    return stages


def tokenizer():
    from tokenizers import Tokenizer
    return Tokenizer.from_file(os.path.join(TOKENIZER, "tokenizer.json"))


def eos_id(tok):
    return tok.token_to_id("</s>")


# ---------------------------------------------------------------------------------------------
# Data

def generate(path, variant, length, samples, seed, depths):
    import subprocess
    cmd = [train.JAMBA_EVAL, "data", "niah", "--variant", variant, "--lengths", str(length), "--samples", str(samples),
           "--seed", str(seed), "--depths", depths, "--tokenizer", TOKENIZER, "--level", "1", "--out", path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def encode(tok, rec):
    """(prompt ids, answer ids): the prompt as the engine encodes it, the answer + </s>."""
    prompt = tok.encode(rec["input"] + rec.get("answer_prefix", "")).ids
    answer = tok.encode(" " + ", ".join(rec["outputs"]), add_special_tokens=False).ids + [eos_id(tok)]
    return prompt, answer


def pool(tok, work, variant, length, samples, seed, depths):
    path = os.path.join(work, f"niah-{variant}-T{length}-n{samples}-s{seed}.jsonl.zst")
    if not os.path.exists(path):
        generate(path, variant, length, samples, seed, depths)
    return [encode(tok, r) for r in train.read_records(path)]


def batch_arrays(examples, pad):
    """Right-padded ids [n, T], answer labels (-100 except where the next token is an answer
    token) and prompt labels (the next prompt token, -100 elsewhere and on padding)."""
    T = max(len(p) + len(a) for p, a in examples)
    ids = np.full((len(examples), T), pad, dtype=np.int64)
    labels = np.full((len(examples), T), -100, dtype=np.int64)
    prompt_labels = np.full((len(examples), T), -100, dtype=np.int64)
    for i, (p, a) in enumerate(examples):
        seq = p + a
        ids[i, :len(seq)] = seq
        labels[i, len(p) - 1:len(seq) - 1] = a
        prompt_labels[i, :len(p) - 1] = p[1:]
    return torch.from_numpy(ids), torch.from_numpy(labels), torch.from_numpy(prompt_labels)


# ---------------------------------------------------------------------------------------------
# Greedy answers and RULER's string_match_all

@torch.no_grad()
def greedy(model, prompts, max_new, eos, batch_tokens=65536):
    """Greedy continuations of each prompt (cache-free: the whole sequence each step), stopping
    at eos; prompts of one length are batched."""
    out = [None] * len(prompts)
    by_len = {}
    for i, p in enumerate(prompts):
        by_len.setdefault(len(p), []).append(i)
    for T, idx in by_len.items():
        bs = max(1, batch_tokens // (T + max_new))
        for s in range(0, len(idx), bs):
            chunk = idx[s:s + bs]
            ids = torch.tensor([prompts[i] for i in chunk])
            done = torch.zeros(len(chunk), dtype=torch.bool)
            gen = [[] for _ in chunk]
            for _ in range(max_new):
                nxt = model(ids)[:, -1].argmax(-1)
                for j, t in enumerate(nxt.tolist()):
                    if not done[j]:
                        if t == eos:
                            done[j] = True
                        else:
                            gen[j].append(t)
                if bool(done.all()):
                    break
                ids = torch.cat([ids, nxt[:, None]], dim=1)
            for j, i in enumerate(chunk):
                out[i] = gen[j]
    return out


def string_match_all(prediction, outputs):
    return sum(o.lower() in prediction.lower() for o in outputs) / len(outputs)


def accuracy(model, tok, recs, max_new=None):
    """Mean string_match_all (%) of greedy answers, per record in `recs` order."""
    prompts = [encode(tok, r)[0] for r in recs]
    mx = max_new or max(r.get("max_new_tokens", 32) for r in recs)
    texts = [tok.decode(g, skip_special_tokens=True) for g in greedy(model, prompts, mx, eos_id(tok))]
    scores = [string_match_all(t, r["outputs"]) for t, r in zip(texts, recs)]
    return 100 * float(np.mean(scores)), scores, texts


# ---------------------------------------------------------------------------------------------

def train_text(args):
    torch.manual_seed(args.seed)
    tok = tokenizer()
    cfg = text_config(args.arch, args.width)
    model = train.build_model(cfg)
    model.init_weights(torch.Generator().manual_seed(args.seed))
    n_params = sum(p.numel() for p in model.parameters())
    n_active = train.active_params(model)
    log(f"arch {args.arch}: params {n_params} (active per token {n_active}), config {json.dumps(cfg)}")
    variants = args.variants.split(",")
    work = args.work
    os.makedirs(work, exist_ok=True)
    # Stages of (steps, length, variants): a curriculum from short haystacks to the training length
    # (the needle is easier to find in a short one; copying it learnt there carries over), and from
    # the single needle, which is copied whatever the key, to multikey, where the key must match:
    # the hybrid learns to copy only when the single needle comes first. Or one stage.
    stages = parse_schedule(args.schedule, variants) if args.schedule else [(args.steps, args.seq_len, variants)]
    args.steps, args.seq_len = sum(n for n, _, _ in stages), stages[-1][1]
    t0 = time.time()
    pools = {}   # (stage, variant) -> examples; seeds data_seed + 10 × stage + index in --variants
    for si, (n, length, chosen) in enumerate(stages):
        per_variant = -(-n * args.batch // len(chosen))
        for v in chosen:
            pools[si, v] = pool(tok, work, v, length, -(-per_variant // args.depth_count),
                                args.data_seed + 10 * si + variants.index(v), f"0:100:{args.depth_count}")
    log("training data: " + ", ".join(f"{v}@{stages[si][1]} {len(p)} records" for (si, v), p in pools.items())
        + f" (jamba-eval data niah --seed {args.data_seed} + 10 × stage + variant, {time.time() - t0:.1f} s)")
    stage_of = [si for si, (n, _, _) in enumerate(stages) for _ in range(n)]
    val = {}
    for i, v in enumerate(variants):
        path = os.path.join(work, f"val-{v}-T{args.seq_len}-s{args.val_seed + i}.jsonl.zst")
        if not os.path.exists(path):
            generate(path, v, args.seq_len, args.val_samples, args.val_seed + i, "0:100:5")
        val[v] = train.read_records(path)

    opt = train.adamw(model, args.lr, args.weight_decay)
    g = torch.Generator().manual_seed(args.seed + 1)
    orders = {key: torch.randperm(len(p), generator=g).tolist() for key, p in pools.items()}
    used = {key: 0 for key in pools}
    pad = tok.token_to_id("<unk>")
    aux_coef = cfg.get("router_aux_loss_coef", 0.0) if args.aux else 0.0
    history, recent, val_history = [], [], []
    t_start, cpu_start = time.time(), time.process_time()
    stop_reason, step = None, -1
    for step in range(args.steps):
        chosen = stages[stage_of[step]][2]
        key = (stage_of[step], chosen[step % len(chosen)])
        k = used[key]
        used[key] += 1
        examples = [pools[key][j] for j in orders[key][k * args.batch:(k + 1) * args.batch]]
        ids, labels, prompt_labels = batch_arrays(examples, pad)
        # the answer's loss, plus lm_weight × the next-token loss over the prompt: the haystack's
        # repeats teach copying from earlier context, which the answer alone teaches slowly
        recent.append(train.train_step(model, opt, ids, labels, train.lr_at(step, args.steps, args.lr, args.warmup),
                                       aux_coef, args.clip, prompt_labels, args.lm_weight))
        if (step + 1) % args.log_every == 0:
            mean = float(np.mean(recent[-args.log_every:]))
            history.append((step + 1, mean))
            el = time.time() - t_start
            log(f"step {step + 1:5d}  loss {mean:.4f}  lr {opt.param_groups[0]['lr']:.2e}  {el / (step + 1):.3f} s/step  "
                f"{el / 60:.1f} min  (cpu {(time.process_time() - cpu_start) / 60:.1f} min)")
        if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
            model.eval()
            accs = {v: accuracy(model, tok, recs, args.val_max_new)[0] for v, recs in val.items()}
            model.train()
            log("  val accuracy " + "  ".join(f"{v} {a:.1f}" for v, a in accs.items()))
            val_history.append((step + 1, {v: round(a, 2) for v, a in accs.items()}))
        if args.max_cpu_minutes and time.process_time() - cpu_start > 60 * args.max_cpu_minutes:
            stop_reason = f"--max-cpu-minutes {args.max_cpu_minutes} reached"
        if args.max_steps and step + 1 >= args.max_steps:
            stop_reason = f"--max-steps {args.max_steps} reached"
        if stop_reason:
            log(f"stopping at step {step + 1} of {args.steps}: {stop_reason}")
            break
    steps_done = step + 1
    final_loss = float(np.mean(recent[-100:]))
    model.eval()
    val_acc = {v: accuracy(model, tok, recs, args.val_max_new)[0] for v, recs in val.items()}
    minutes, cpu_minutes = (time.time() - t_start) / 60, (time.process_time() - cpu_start) / 60
    log(f"done: {steps_done} steps in {minutes:.1f} min ({cpu_minutes:.1f} min of CPU); final training loss "
        f"(mean of last 100 steps) {final_loss:.4g}; validation accuracy "
        + "  ".join(f"{v} {a:.2f}" for v, a in val_acc.items()))
    if args.out:
        train.save_folder(model, args.out)
        for f in ("tokenizer.json", "tokenizer_config.json"):   # the text tokenizer, not MQAR's
            shutil.copy(os.path.join(TOKENIZER, f), os.path.join(args.out, f))
        p, a = encode(tok, val[variants[0]][0])
        worst, scale, _ = train.check_hf(args.out, [{"input_ids": p + a}])
        log(f"saved {args.out}; transformers vs training forward: max |logit diff| {worst:.3g} (max |logit| {scale:.3g})")
        meta = dict(task="niah", arch=args.arch, config=cfg, params=n_params, active_params=n_active, steps=steps_done,
                    planned_steps=args.steps, schedule=args.schedule, batch=args.batch, lm_weight=args.lm_weight, width=args.width, seq_len=args.seq_len, variants=variants, lr=args.lr,
                    warmup=args.warmup, seed=args.seed, data_seed=args.data_seed, val_seed=args.val_seed,
                    threads=args.threads, minutes=round(minutes, 1), cpu_minutes=round(cpu_minutes, 1),
                    stop_reason=stop_reason, final_train_loss=float(f"{final_loss:.4g}"),
                    val_accuracy={v: round(a, 2) for v, a in val_acc.items()}, val_accuracy_history=val_history,
                    hf_max_abs_logit_diff=worst, loss_history=history, machine=train.machine(),
                    command="tools/train/train_text.py " + " ".join(sys.argv[1:]))
        with open(os.path.join(args.out, "training.json"), "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")


def eval_only(args):
    """PyTorch's greedy accuracy on held-out files; --json writes every record's score and answer
    (text_card.py sets them beside jamba-eval's)."""
    tok = tokenizer()
    model, _ = train.load_fast(args.model)
    keep = set(train.parse_ints(args.lengths)) if args.lengths else None
    report = {"model": args.model, "max_new_tokens": "the records' max_new_tokens", "files": {}}
    for path in args.data:
        recs = [r for r in train.read_records(path, args.limit) if keep is None or r.get("context_length") in keep]
        t = time.time()
        acc, scores, texts = accuracy(model, tok, recs)
        by = {}
        for r, sc in zip(recs, scores):
            by.setdefault(r.get("context_length", len(r["input"])), []).append(sc)
        lens = "  ".join(f"T={T}: {100 * np.mean(v):.2f} (n={len(v)})" for T, v in sorted(by.items()))
        log(f"{args.model} {path}: string_match_all {acc:.2f} over {len(recs)} records  [{lens}]  ({time.time() - t:.1f} s)")
        report["files"][os.path.basename(path)] = dict(
            accuracy=round(acc, 4), lengths={str(T): round(100 * float(np.mean(v)), 4) for T, v in sorted(by.items())},
            records={r["id"]: dict(score=sc, text=tx) for r, sc, tx in zip(recs, scores, texts)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=train.ALL_ARCHS, default="hybrid")
    ap.add_argument("--out")
    ap.add_argument("--variants", default="single,multikey", help="niah variants, taken in turn by the batches")
    ap.add_argument("--width", type=int, default=64, help="hidden size of all four models")
    ap.add_argument("--seq-len", type=int, default=512, help="training length (context_length of the records)")
    ap.add_argument("--depth-count", type=int, default=21, help="training depths: 0:100:N")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--schedule", help="curriculum STEPS=LENGTH[:VARIANT+...],...: overrides --steps and --seq-len "
                    "(the last length); a stage without variants takes all of --variants in turn")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--lm-weight", type=float, default=0.0,
                    help="weight of the next-token loss over the prompt, beside the answer's")
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--aux", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-seed", type=int, default=5000, help="training records (the held-out sets use 88)")
    ap.add_argument("--val-seed", type=int, default=6000)
    ap.add_argument("--val-samples", type=int, default=4, help="validation records per depth (5 depths)")
    ap.add_argument("--val-max-new", type=int, default=10,
                    help="greedy tokens per validation answer (a 7-digit value is at most 7 bpe-1k tokens, then </s>)")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--max-cpu-minutes", type=float, default=0)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "jamba-train-text"))
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--model")
    ap.add_argument("--data", nargs="*", default=[])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--lengths", help="--eval-only: only records of these context lengths (comma-separated)")
    ap.add_argument("--json", help="--eval-only: write each record's score and answer here")
    args = ap.parse_args()
    train.setup_threads(args.threads)
    eval_only(args) if args.eval_only else train_text(args)


if __name__ == "__main__":
    main()
