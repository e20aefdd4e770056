#!/usr/bin/env python3
"""Train the small recall checkpoints (issue 8): a Jamba hybrid, its transformer-only twin and its
pure-Mamba twin, on multi-query associative recall (MQAR) records made by jamba-eval's own
`data kv-recall` generator; and (issue 12) a Llama of the same width and depth with rotary
positions, the position-aware transformer baseline. See README.md in this folder for the commands.

  train.py --arch hybrid --out models/jamba-recall                 # train, save, check, card
  train.py --eval-only --model models/jamba-recall --data datasets/kv-recall-p16.jsonl.zst
  train.py --check-hf --model models/jamba-recall                  # logits vs JambaForCausalLM

Training uses jamba_torch.FastJamba (the same function and parameter names as transformers'
JambaForCausalLM, with a C selective scan) or llama_torch.FastLlama (LlamaForCausalLM's function and
names); the saved folder is written by the transformers class's own save_pretrained, loaded back by
from_pretrained and compared with the fast forward.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import jamba_torch  # noqa: E402
import scan_kernel  # noqa: E402
import llama_torch  # noqa: E402
from jamba_torch import FastJamba  # noqa: E402
from llama_torch import FastLlama  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Vocabulary: 4 special tokens, then the kv_recall id range [FIRST_ID, FIRST_ID + KV_VOCAB):
# FIRST_ID is the filler, keys are FIRST_ID+1 .. FIRST_ID+KV_VOCAB/2-1, values the upper half.
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
FIRST_ID = 4
KV_VOCAB = 256
VOCAB_SIZE = FIRST_ID + KV_VOCAB

BASE_CONFIG = dict(
    vocab_size=VOCAB_SIZE,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=4,
    num_attention_heads=4,
    num_key_value_heads=2,
    num_experts=4,
    num_experts_per_tok=2,
    expert_layer_period=2,
    expert_layer_offset=1,
    attn_layer_period=4,
    attn_layer_offset=2,
    mamba_d_state=16,
    mamba_d_conv=4,
    mamba_expand=2,
    mamba_dt_rank="auto",
    mamba_conv_bias=True,
    mamba_proj_bias=False,
    rms_norm_eps=1e-6,
    tie_word_embeddings=False,
    initializer_range=0.02,
    router_aux_loss_coef=0.001,
    pad_token_id=0,
    bos_token_id=1,
    eos_token_id=2,
)
ARCHS = {
    # layers M M A M (attention at 2 of 4), MoE on layers 1 and 3
    "hybrid": dict(attn_layer_period=4, attn_layer_offset=2),
    # every layer attention
    "transformer": dict(attn_layer_period=1, attn_layer_offset=0),
    # no i in 0..3 has i % 8 == 7: every layer Mamba
    "mamba": dict(attn_layer_period=8, attn_layer_offset=7),
}

# --arch llama: LlamaForCausalLM (rotary positions, rope_theta 10000, every layer attention + a dense
# gated-SiLU MLP) with BASE_CONFIG's vocabulary, width, depth, heads and KV heads. intermediate_size
# 272 makes its parameters (291,904, all active for every token) match the hybrid's active parameters
# per token (292,140 of 390,444: two of four experts in each MoE layer), the closest multiple of 16.
LLAMA_CONFIG = dict(
    {k: BASE_CONFIG[k] for k in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                                 "num_key_value_heads", "rms_norm_eps", "tie_word_embeddings", "initializer_range",
                                 "pad_token_id", "bos_token_id", "eos_token_id")},
    intermediate_size=272,
    head_dim=BASE_CONFIG["hidden_size"] // BASE_CONFIG["num_attention_heads"],
    rope_theta=10000.0,
    max_position_embeddings=16384,   # no effect on default rotary; above every length evaluated
    attention_bias=False,
    mlp_bias=False,
    hidden_act="silu",
)
ALL_ARCHS = sorted(ARCHS) + ["llama"]


def model_config(arch, overrides=None):
    cfg = dict(LLAMA_CONFIG) if arch == "llama" else dict(BASE_CONFIG, **ARCHS[arch])
    if overrides:
        cfg.update(overrides)
    return cfg


def is_llama(cfg):
    return "rope_theta" in cfg or cfg.get("model_type") == "llama"


def build_model(cfg):
    return FastLlama(cfg) if is_llama(cfg) else FastJamba(cfg)


def active_params(model):
    """Parameters used for one token: all of them except, in each MoE layer, the experts outside
    the top-k (router kept)."""
    n = sum(p.numel() for p in model.parameters())
    if isinstance(model, FastJamba):
        for layer in model.model.layers:
            if isinstance(layer.feed_forward, jamba_torch.MoE):
                E, k = model.cfg["num_experts"], model.cfg["num_experts_per_tok"]
                ex = sum(p.numel() for p in layer.feed_forward.experts.parameters())
                n -= ex * (E - k) // E
    return n


def llama_hf_config(cfg):
    """transformers' LlamaConfig for a LLAMA_CONFIG-style dict (rope_theta as transformers 5's
    rope_parameters, rope_type default)."""
    from transformers import LlamaConfig
    c = {k: v for k, v in cfg.items() if k != "rope_theta"}
    c["rope_parameters"] = {"rope_type": "default", "rope_theta": llama_torch.rope_theta(cfg)}
    return LlamaConfig(**c)

# Curriculum (steps = configs taken in turn): short, few-pair batches until recall appears, then
# the training length with up to 64 pairs. 4600 steps.
DEFAULT_SCHEDULE = "3000=64:4,64:8;800=64:8,128:8,128:16,256:16,256:32;800=128:16,256:16,256:32,256:64"

JAMBA_EVAL = os.environ.get("JAMBA_EVAL", os.path.join(REPO, ".build", "release", "jamba-eval"))


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------------------------
# Data: jamba-eval's generator writes the records, `jamba-eval data cat` reads them back.

def generate(path, length, samples, seed, pairs, queries=None):
    cmd = [JAMBA_EVAL, "data", "kv-recall", "--lengths", str(length), "--samples", str(samples),
           "--seed", str(seed), "--vocabulary", str(KV_VOCAB), "--first-id", str(FIRST_ID),
           "--pairs", str(pairs), "--level", "1", "--out", path]
    if queries:
        cmd += ["--queries", str(queries)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def read_records(path, limit=None):
    out = subprocess.run([JAMBA_EVAL, "data", "cat", path], check=True, capture_output=True, text=True).stdout
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return recs[:limit] if limit else recs


def to_arrays(recs):
    """Records of one length -> ids [n, T] and labels [n, T] (-100 except at the query keys)."""
    T = len(recs[0]["input_ids"])
    ids = np.array([r["input_ids"] for r in recs], dtype=np.int64)
    labels = np.full((len(recs), T), -100, dtype=np.int64)
    for i, r in enumerate(recs):
        for p, t in r["positions"]:
            labels[i, p] = t
    return torch.from_numpy(ids), torch.from_numpy(labels)


def training_pool(work, T, pairs, samples, seed):
    path = os.path.join(work, f"train-T{T}-p{pairs}-n{samples}-s{seed}.jsonl.zst")
    if not os.path.exists(path):
        generate(path, T, samples, seed, pairs)
    return to_arrays(read_records(path))


def parse_schedule(s):
    """'600=64:4,64:8;1000=128:16,256:64' -> the (length, pairs) config of every training step:
    stages of N steps, each taking its configs in turn (a curriculum: short easy batches first)."""
    plan = []
    for stage in s.split(";"):
        n, configs = stage.split("=")
        configs = [tuple(int(v) for v in c.split(":")) for c in configs.split(",") if c]
        plan += [configs[i % len(configs)] for i in range(int(n))]
    return plan


# ---------------------------------------------------------------------------------------------
# Evaluation: accuracy at the `positions` of each record (argmax of the logits after reading
# ids[0..p] == target), averaged per record, then over records (the suite's positions_accuracy).

@torch.no_grad()
def positions_accuracy(forward, recs, batch_tokens=32768):
    by_len = {}
    for r in recs:
        by_len.setdefault(len(r["input_ids"]), []).append(r)
    per_record, per_length = [], {}
    for T, group in sorted(by_len.items()):
        bs = max(1, batch_tokens // T)
        scores = []
        for s in range(0, len(group), bs):
            chunk = group[s:s + bs]
            ids, labels = to_arrays(chunk)
            logits = forward(ids)
            pred = logits.argmax(-1)
            mask = labels >= 0
            correct = ((pred == labels) & mask).sum(1).float() / mask.sum(1).float()
            scores += correct.tolist()
        per_length[T] = (float(np.mean(scores)), len(scores))
        per_record += scores
    return float(np.mean(per_record)), per_length, per_record


@torch.no_grad()
def query_loss(model, ids, labels):
    logits = model(ids)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100).item()


# ---------------------------------------------------------------------------------------------
# Checkpoint folders

def write_tokenizer(folder):
    """Word-level tokenizer.json whose ids are exactly the kv_recall range: `_` is the filler
    (id FIRST_ID), `k0`.. the keys, `v0`.. the values. Made with the `tokenizers` package."""
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders
    vocab = {t: i for i, t in enumerate(SPECIALS)}
    half = KV_VOCAB // 2
    vocab["_"] = FIRST_ID
    for j in range(1, half):
        vocab[f"k{j - 1}"] = FIRST_ID + j
    for j in range(KV_VOCAB - half):
        vocab[f"v{j}"] = FIRST_ID + half + j
    assert sorted(vocab.values()) == list(range(VOCAB_SIZE))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=False)   # joins words with spaces
    tok.add_special_tokens(SPECIALS)
    tok.save(os.path.join(folder, "tokenizer.json"))
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<bos>", "eos_token": "<eos>",
                   "unk_token": "<unk>", "pad_token": "<pad>", "model_max_length": 1048576,
                   "clean_up_tokenization_spaces": False}, f, indent=2)
        f.write("\n")


def save_folder(model, folder):
    """JambaForCausalLM.save_pretrained (per-expert tensors on disk, as Jamba-v0.1), float32; or
    LlamaForCausalLM.save_pretrained for a FastLlama."""
    os.makedirs(folder, exist_ok=True)
    if isinstance(model, FastLlama):
        from transformers import LlamaForCausalLM
        hf = LlamaForCausalLM(llama_hf_config(model.cfg)).float()
        hf.load_state_dict(model.state_dict(), strict=True)
        hf.save_pretrained(folder)
    else:
        from transformers import JambaConfig, JambaForCausalLM
        hf = JambaForCausalLM(JambaConfig(**model.cfg))
        hf.load_state_dict(model.state_dict(), strict=True)
        hf.save_pretrained(folder, save_original_format=True)
    for f in os.listdir(folder):
        if f not in ("config.json", "model.safetensors", "README.md", "tokenizer.json", "tokenizer_config.json",
                     "training_log.txt", "training.json"):
            p = os.path.join(folder, f)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    write_tokenizer(folder)


def folder_model_type(folder):
    with open(os.path.join(folder, "config.json")) as f:
        return json.load(f)["model_type"]


def load_hf(folder):
    if folder_model_type(folder) == "llama":
        from transformers import LlamaForCausalLM
        hf = LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    else:
        from transformers import JambaForCausalLM
        hf = JambaForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager",
                                              experts_implementation="eager")
        assert getattr(hf.config, "_experts_implementation", "eager") == "eager"
    assert hf.config._attn_implementation == "eager"
    hf.eval()
    with torch.no_grad():
        for p in hf.parameters():
            p.data = p.data.clone()   # out of the mmap'd file
    return hf


def load_fast(folder):
    """FastJamba (or FastLlama) with the weights transformers loads from the folder."""
    hf = load_hf(folder)
    d = hf.config.to_dict()
    if d["model_type"] == "llama":
        cfg = {k: d[k] for k in LLAMA_CONFIG if k != "rope_theta"}
        cfg["rope_theta"] = llama_torch.rope_theta(d)
        assert (d.get("rope_parameters") or {}).get("rope_type", "default") == "default", d.get("rope_parameters")
        m = FastLlama(cfg)
    else:
        cfg = {k: d[k] for k in BASE_CONFIG}
        m = FastJamba(cfg)
    m.load_state_dict(hf.state_dict(), strict=True)
    return m.eval(), hf


def check_hf(folder, recs=None, n=6):
    """Logits of FastJamba vs JambaForCausalLM (or FastLlama vs LlamaForCausalLM), eager attention, on
    a few sequences; returns max |diff|."""
    fast, hf = load_fast(folder)
    if recs is None:
        g = torch.Generator().manual_seed(0)
        seqs = [torch.randint(0, VOCAB_SIZE, (T,), generator=g) for T in (7, 64, 256)]
    else:
        seqs = [torch.tensor(r["input_ids"]) for r in recs[:n]]
    worst, scale = 0.0, 0.0
    with torch.no_grad():
        for s in seqs:
            a = fast(s[None])
            b = hf(s[None], use_cache=False).logits
            worst = max(worst, (a - b).abs().max().item())
            scale = max(scale, b.abs().max().item())
    return worst, scale, [len(s) for s in seqs]


# ---------------------------------------------------------------------------------------------

def machine():
    """'AMD EPYC (family 25 model 1), 2 cores': the CPU the run used, for the model card."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                info.setdefault(k.strip(), v.strip())
    except OSError:
        return "an unknown machine"
    return (f"{info.get('model name', 'an x86-64 CPU')} (family {info.get('cpu family', '?')} model "
            f"{info.get('model', '?')}), {os.cpu_count()} cores")


def parse_ints(s):
    return [int(x) for x in s.split(",") if x]


def lr_at(step, steps, lr, warmup):
    if step < warmup:
        return lr * (step + 1) / warmup
    q = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * q)))


def adamw(model, lr, weight_decay):
    """AdamW (β 0.9/0.98) with weight decay on the matrices only (not on norms, biases or A_log)."""
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (decay if p.dim() >= 2 and "A_log" not in n else no_decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.98), eps=1e-8)


def train_step(model, opt, ids, labels, lr, aux_coef, clip, extra_labels=None, extra_weight=0.0):
    """One step at learning rate lr: cross-entropy where labels >= 0 (+ extra_weight × the
    cross-entropy where extra_labels >= 0, + the MoE load-balancing loss × aux_coef), gradients
    clipped to norm clip. Returns the first cross-entropy."""
    for group in opt.param_groups:
        group["lr"] = lr
    logits = model(ids)
    flat = logits.reshape(-1, logits.shape[-1])
    loss = F.cross_entropy(flat, labels.reshape(-1), ignore_index=-100)
    total = loss
    if extra_weight:
        total = total + extra_weight * F.cross_entropy(flat, extra_labels.reshape(-1), ignore_index=-100)
    if aux_coef:
        total = total + aux_coef * model.aux_loss()
    opt.zero_grad(set_to_none=True)
    total.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return loss.item()


def expand_argv(argv):
    """sys.argv with @FILE arguments (argparse's fromfile_prefix_chars) replaced by their lines."""
    out = []
    for a in argv:
        if a.startswith("@"):
            with open(a[1:]) as f:
                out += [line.strip() for line in f if line.strip()]
        else:
            out.append(a)
    return out


def train(args):
    torch.manual_seed(args.seed)
    cfg = model_config(args.arch, json.loads(args.config) if args.config else None)
    model = build_model(cfg)
    model.init_weights(torch.Generator().manual_seed(args.seed))
    n_params = sum(p.numel() for p in model.parameters())
    n_active = active_params(model)
    if args.arch == "llama":
        log(f"arch llama: {cfg['num_hidden_layers']} layers of rotary attention (theta {cfg['rope_theta']:g}) + "
            f"MLP {cfg['intermediate_size']}, params {n_params} (active per token {n_active})")
    else:
        kinds = jamba_torch.layer_kinds(cfg)
        log(f"arch {args.arch}: layers {kinds}, experts {jamba_torch.layer_experts(cfg)}, params {n_params} "
            f"(active per token {n_active})")

    plan = parse_schedule(args.schedule)
    steps = len(plan)
    mix = sorted(set(plan))
    uses = {c: plan.count(c) for c in mix}
    work = args.work
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    pools = {c: training_pool(work, c[0], c[1], uses[c] * args.batch, args.data_seed) for c in mix}
    log(f"training data: (length, pairs): records = " + ", ".join(f"{c}: {uses[c] * args.batch}" for c in mix)
        + f" (jamba-eval data kv-recall --seed {args.data_seed}), {time.time() - t0:.1f} s")
    # validation: another seed, a few pair counts at the training length
    val = {}
    for p in parse_ints(args.val_pairs):
        path = os.path.join(work, f"val-T{args.seq_len}-p{p}-s{args.val_seed}.jsonl.zst")
        if not os.path.exists(path):
            generate(path, args.seq_len, args.val_samples, args.val_seed, p)
        val[p] = read_records(path)

    opt = adamw(model, args.lr, args.weight_decay)
    g = torch.Generator().manual_seed(args.seed + 1)
    orders = {c: torch.randperm(len(pools[c][0]), generator=g) for c in mix}
    used = {c: 0 for c in mix}
    history, recent, val_history = [], [], []
    per_config = {c: [] for c in mix}
    last_stage = steps - int(args.schedule.split(";")[-1].split("=")[0])   # first step of the last stage
    best, stale, stop_reason = -1.0, 0, None
    aux_coef = cfg.get("router_aux_loss_coef", 0.0) if args.aux else 0.0
    # --state: the whole training state (weights, AdamW moments, step, logs, time used) written at
    # every evaluation; a run started with the same arguments continues from it (same batches, same
    # result as an uninterrupted run: the batch order is a function of the step, nothing else is random).
    key = dict(cfg=cfg, schedule=args.schedule, batch=args.batch, lr=args.lr, warmup=args.warmup, seed=args.seed,
               data_seed=args.data_seed, weight_decay=args.weight_decay, clip=args.clip, aux=args.aux,
               threads=args.threads, patience=args.patience, eval_every=args.eval_every)
    start, wall_before, cpu_before, resumed = 0, 0.0, 0.0, []
    if args.state and os.path.exists(args.state):
        st = torch.load(args.state, weights_only=False)
        assert st["key"] == key, f"{args.state} was written by a run with other arguments: {st['key']}"
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        start, wall_before, cpu_before = st["step"], st["wall"], st["cpu"]
        history, recent, val_history, per_config = st["history"], st["recent"], st["val_history"], st["per_config"]
        best, stale, resumed = st["best"], st["stale"], st["resumed"] + [start]
        for c in plan[:start]:
            used[c] += 1
        log(f"resuming from {args.state} at step {start} ({wall_before / 60:.1f} min, {cpu_before / 60:.1f} min of CPU "
            "used so far)")
    t_start, cpu_start = time.time() - wall_before, time.process_time() - cpu_before

    def save_state(done):
        tmp = args.state + ".tmp"
        torch.save(dict(key=key, model=model.state_dict(), opt=opt.state_dict(), step=done, wall=time.time() - t_start,
                        cpu=time.process_time() - cpu_start, history=history, recent=recent, val_history=val_history,
                        per_config=per_config, best=best, stale=stale, resumed=resumed), tmp)
        os.replace(tmp, args.state)

    step = start - 1
    for step in range(start, steps):
        c = plan[step]
        k = used[c]
        used[c] += 1
        idx = orders[c][k * args.batch:(k + 1) * args.batch]    # every record is used once
        ids, labels = pools[c][0][idx], pools[c][1][idx]
        loss = train_step(model, opt, ids, labels, lr_at(step, steps, args.lr, args.warmup), aux_coef, args.clip)
        recent.append(loss)
        per_config[c].append(loss)
        if (step + 1) % args.log_every == 0:
            el = time.time() - t_start
            mean = float(np.mean(recent[-args.log_every:]))
            history.append((step + 1, mean))
            by = "  ".join(f"{T}:{p} {np.mean(l[-5:]):.3f}" for (T, p), l in per_config.items() if l)
            log(f"step {step + 1:5d}  loss {mean:.4f}  lr {opt.param_groups[0]['lr']:.2e}  "
                f"{el / (step + 1):.3f} s/step  {el / 60:.1f} min  "
                f"(cpu {(time.process_time() - cpu_start) / 60:.1f} min)  [{by}]")
        if (step + 1) % args.eval_every == 0 or step + 1 == steps:
            model.eval()
            accs = {p: positions_accuracy(model, recs)[0] for p, recs in val.items()}
            model.train()
            log("  val accuracy " + "  ".join(f"p{p} {100 * a:.1f}" for p, a in accs.items()))
            val_history.append((step + 1, {str(p): round(100 * a, 2) for p, a in accs.items()}))
            # --patience: in the last stage, stop once the mean validation accuracy over the pair
            # counts has not beaten its best by 0.1 point for that many evaluations in a row.
            score = 100 * float(np.mean(list(accs.values())))
            if score > best + 0.1:
                best, stale = score, 0
            elif step >= last_stage:
                stale += 1
            if args.patience and stale >= args.patience:
                stop_reason = (f"mean validation accuracy {score:.2f}, no better than {best:.2f} (+0.1) for "
                               f"{stale} evaluations (--patience {args.patience})")
            if args.state:
                save_state(step + 1)
        if args.max_minutes and time.time() - t_start > 60 * args.max_minutes:
            stop_reason = f"--max-minutes {args.max_minutes} reached"
        if args.max_cpu_minutes and time.process_time() - cpu_start > 60 * args.max_cpu_minutes:
            stop_reason = f"--max-cpu-minutes {args.max_cpu_minutes} reached"
        if args.max_steps and step + 1 >= args.max_steps:
            stop_reason = f"--max-steps {args.max_steps} reached"
        if stop_reason:
            log(f"stopping at step {step + 1} of {steps}: {stop_reason}")
            break
    steps_done = step + 1
    train_minutes = (time.time() - t_start) / 60
    cpu_minutes = (time.process_time() - cpu_start) / 60
    final_loss = float(np.mean(recent[-100:]))
    model.eval()
    val_acc = {p: positions_accuracy(model, recs)[0] for p, recs in val.items()}
    val_loss = {p: query_loss(model, *to_arrays(recs)) for p, recs in val.items()}
    log(f"done: {steps_done} steps in {train_minutes:.1f} min ({cpu_minutes:.1f} min of CPU); final training loss (mean of last 100 steps) "
        f"{final_loss:.4g}")
    log("validation loss " + "  ".join(f"p{p} {v:.4g}" for p, v in val_loss.items()))
    log("validation accuracy " + "  ".join(f"p{p} {100 * a:.2f}" for p, a in val_acc.items()))

    if args.out:
        save_folder(model, args.out)
        worst, scale, lens = check_hf(args.out, next(iter(val.values())))
        log(f"saved {args.out}; {'Llama' if args.arch == 'llama' else 'Jamba'}ForCausalLM (eager) vs training "
            f"forward on validation records: "
            f"max |logit diff| {worst:.3g} (max |logit| {scale:.3g})")
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(args.out)
        assert tok("k0 v0 _")["input_ids"] == [FIRST_ID + 1, FIRST_ID + KV_VOCAB // 2, FIRST_ID]
        meta = dict(arch=args.arch, config=cfg, params=n_params, active_params=n_active, steps=steps_done,
                    planned_steps=steps, batch=args.batch, seq_len=args.seq_len, schedule=args.schedule, lr=args.lr,
                    warmup=args.warmup, seed=args.seed, data_seed=args.data_seed,
                    threads=args.threads, minutes=round(train_minutes, 1), cpu_minutes=round(cpu_minutes, 1),
                    stop_reason=stop_reason, resumed_at=resumed, final_train_loss=float(f"{final_loss:.4g}"),
                    val_loss={str(k): float(f"{v:.4g}") for k, v in val_loss.items()},
                    val_accuracy={str(k): round(100 * v, 2) for k, v in val_acc.items()},
                    val_accuracy_history=val_history,
                    hf_max_abs_logit_diff=worst, loss_history=history, machine=machine(),
                    command="tools/train/train.py " + " ".join(expand_argv(sys.argv[1:])))
        with open(os.path.join(args.out, "training.json"), "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")


def eval_only(args):
    if args.impl == "hf":
        hf = load_hf(args.model)
        forward = lambda ids: hf(ids, use_cache=False).logits  # noqa: E731
        bt = 8192
    else:
        fast, _ = load_fast(args.model)
        forward = fast
        bt = 32768
    for path in args.data:
        recs = read_records(path, args.limit)
        t = time.time()
        acc, per_len, _ = positions_accuracy(forward, recs, bt)
        lens = "  ".join(f"T={T}: {100 * a:.2f} (n={n})" for T, (a, n) in per_len.items())
        log(f"{args.model} {path}: positions_accuracy {100 * acc:.2f} over {len(recs)} records  [{lens}]  "
            f"({args.impl}, {time.time() - t:.1f} s)")


def setup_threads(n):
    """torch's intra-op threads and the C scan's, and transformers quiet (train.py, train_text.py)."""
    torch.set_num_threads(n)
    scan_kernel.THREADS[0] = n
    import transformers
    transformers.logging.set_verbosity_error()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 fromfile_prefix_chars="@")   # @FILE: arguments one per line
    ap.add_argument("--arch", choices=ALL_ARCHS, default="hybrid")
    ap.add_argument("--out", help="HF folder to write (config.json, model.safetensors, tokenizer)")
    ap.add_argument("--config", help="JSON overrides of the model config")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq-len", type=int, default=256, help="training length (validation, model card)")
    ap.add_argument("--schedule", default=DEFAULT_SCHEDULE,
                    help="curriculum: 'STEPS=T:P,T:P;STEPS=...' stages of STEPS steps whose batches take the "
                         "(length T, pairs P) configs in turn")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--aux", type=int, default=1, help="add the MoE load-balancing loss (router_aux_loss_coef)")
    ap.add_argument("--seed", type=int, default=0, help="init and batch order")
    ap.add_argument("--data-seed", type=int, default=1000, help="jamba-eval data kv-recall --seed for training data")
    ap.add_argument("--val-seed", type=int, default=2000)
    ap.add_argument("--val-pairs", default="8,32,64")
    ap.add_argument("--val-samples", type=int, default=64)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--max-minutes", type=float, default=0, help="safety stop, wall clock (0: none)")
    ap.add_argument("--max-cpu-minutes", type=float, default=0,
                    help="safety stop, this process's CPU time (0: none); steady when other jobs share the cores")
    ap.add_argument("--max-steps", type=int, default=0,
                    help="stop after this many steps without changing the schedule (its lr curve); for "
                         "reproducibility checks (0: none)")
    ap.add_argument("--state", help="training state file: written at every evaluation, resumed from if it exists")
    ap.add_argument("--patience", type=int, default=0,
                    help="in the schedule's last stage, stop when the mean validation accuracy has not improved "
                         "by 0.1 point for this many evaluations (0: never)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "jamba-train"),
                    help="scratch folder for generated training data")
    ap.add_argument("--eval-only", action="store_true", help="PyTorch accuracy of --model on each --data file")
    ap.add_argument("--check-hf", action="store_true",
                    help="compare the fast forward with JambaForCausalLM (LlamaForCausalLM for a llama folder)")
    ap.add_argument("--impl", choices=["fast", "hf"], default="fast",
                    help="--eval-only forward: FastJamba / FastLlama (default) or transformers' model")
    ap.add_argument("--model")
    ap.add_argument("--data", nargs="*", default=[])
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()

    setup_threads(args.threads)
    if args.eval_only:
        eval_only(args)
    elif args.check_hf:
        recs = None
        if args.data:   # the first --limit (default 1) records of each length in the file
            recs, seen = [], {}
            for r in read_records(args.data[0]):
                T = len(r["input_ids"])
                if seen.get(T, 0) < (args.limit or 1):
                    seen[T] = seen.get(T, 0) + 1
                    recs.append(r)
        worst, scale, lens = check_hf(args.model, recs, n=len(recs) if recs else 6)
        log(f"{args.model}: max |fast forward - transformers (eager)| over sequences of lengths {lens}: {worst:.3g} "
            f"(max |logit| {scale:.3g})")
    else:
        train(args)


if __name__ == "__main__":
    main()
