#!/usr/bin/env python3
"""Build small random-weight Llama, Mistral and Mixtral checkpoints with transformers and write
golden outputs, in the same format as make_fixtures.py writes for Jamba.

Each fixture folder <out>/<name>/ holds exactly what `<Arch>ForCausalLM.save_pretrained` writes
(config.json, model.safetensors or model-0000k-of-0000n.safetensors + model.safetensors.index.json;
not generation_config.json) and golden.safetensors with, for sequences i = 0, 1, 2:

    seq{i}.ids     int32   [T_i]        random token ids (T = 13, 7, 40)
    seq{i}.logits  float32 [T_i, vocab] one full-sequence forward, batch 1, no padding, no cache
    seq{i}.greedy  int32   [16]         greedy continuation; every step re-runs the whole sequence
    seq{i}.greedy_cached int32 [16]     (dynamic RoPE only) transformers' generate() with a KV cache

Goldens come from the checkpoint re-loaded from disk (so bf16 rounding is included), computed in
float32 with eager attention (and eager experts for Mixtral). With rope_type "dynamic" the rotary
embedding is reset to its original frequencies before every forward, so each forward uses the
frequencies of its own length (transformers' dynamic RoPE is otherwise stateful). See README.md.

Usage:
    make_baseline_fixtures.py --out Tests/Fixtures                      # all seven fixtures
    make_baseline_fixtures.py --out Tests/Fixtures --only llama3        # one of them
    make_baseline_fixtures.py --out /tmp/x --arch mistral --name mine \\
        --custom '{"hidden_size": 64, "sliding_window": 9}' --dtype bfloat16 --shards 2
"""

import argparse
import json
import math
import os
import tempfile
from contextlib import contextmanager

import numpy as np
import torch

import make_fixtures as mf  # noqa: E402  (also sets torch to one thread and quiets transformers)
from transformers import (  # noqa: E402
    LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM, MixtralConfig, MixtralForCausalLM)
from transformers.modeling_rope_utils import dynamic_rope_update  # noqa: E402
from transformers.models.llama import modeling_llama  # noqa: E402
from transformers.models.mistral import modeling_mistral  # noqa: E402
from transformers.models.mixtral import modeling_mixtral  # noqa: E402

# arch -> (config class, model class, modeling module, class-name prefix)
ARCHS = {
    "llama": (LlamaConfig, LlamaForCausalLM, modeling_llama, "Llama"),
    "mistral": (MistralConfig, MistralForCausalLM, modeling_mistral, "Mistral"),
    "mixtral": (MixtralConfig, MixtralForCausalLM, modeling_mixtral, "Mixtral"),
}
ROUTER_TYPES = (modeling_mixtral.MixtralTopKRouter,)

_COMMON = dict(vocab_size=256, hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
               num_key_value_heads=2, tie_word_embeddings=False)

# Per-architecture starting point (the plain fixture of that architecture); fixtures and --custom
# override fields of it. rope_parameters is always written out in full (v5 spelling).
ARCH_BASE = {
    "llama": dict(_COMMON, intermediate_size=64, rms_norm_eps=1e-6,
                  rope_parameters=dict(rope_type="default", rope_theta=10000.0)),
    "mistral": dict(_COMMON, intermediate_size=40, rms_norm_eps=1e-6, sliding_window=5,
                    rope_parameters=dict(rope_type="default", rope_theta=10000.0)),
    "mixtral": dict(_COMMON, intermediate_size=32, rms_norm_eps=1e-5, sliding_window=None,
                    num_local_experts=4, num_experts_per_tok=2,
                    rope_parameters=dict(rope_type="default", rope_theta=1e6)),
}

# name -> (arch, config overrides, weight dtype on disk, experts layout on disk, number of shards)
FIXTURES = {
    # Default RoPE (theta 1e4), GQA 4:2, head_dim 12, F32 in one file.
    "llama": ("llama", dict(), "float32", None, 1),
    # head_dim 16 set apart from hidden/heads (q width 96 vs hidden 48), GQA 3:1, q/k/v/o and MLP
    # biases, tied embeddings, linear RoPE scaling x2, rms eps 1e-5, BF16 in 2 shards + index.
    "llama-odd": ("llama", dict(num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=2,
                                head_dim=16, intermediate_size=40, attention_bias=True, mlp_bias=True,
                                tie_word_embeddings=True, rms_norm_eps=1e-5,
                                rope_parameters=dict(rope_type="linear", factor=2.0, rope_theta=10000.0)),
                  "bfloat16", None, 2),
    # Dynamic NTK RoPE x2 with max_position_embeddings 16: T=40 and the greedy tails pass 16,
    # T=13 and 7 start below it. Plain multi-head attention (4 kv heads for 4 heads).
    "llama-dynamic": ("llama", dict(num_key_value_heads=4, intermediate_size=40, max_position_embeddings=16,
                                    rope_parameters=dict(rope_type="dynamic", factor=2.0, rope_theta=10000.0)),
                      "bfloat16", None, 1),
    # Llama-3.1 RoPE: factor 8, low 1, high 8, original 1024 with head_dim 16 and theta 1e4 puts
    # wavelengths 6.3, 19.9, 62.8 in the unchanged band (< 128), 198.7 and 628.3 in the smoothed
    # band and 1987, 6283, 19869 in the divided band (> 1024). Multi-query attention (3 heads : 1).
    "llama3": ("llama", dict(num_attention_heads=3, num_key_value_heads=1, intermediate_size=40,
                             max_position_embeddings=8192,
                             rope_parameters=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0,
                                                  high_freq_factor=8.0, original_max_position_embeddings=1024,
                                                  rope_theta=10000.0)),
               "bfloat16", None, 1),
    # Sliding window 5 (shorter than every prompt), GQA 4:2.
    "mistral": ("mistral", dict(), "bfloat16", None, 1),
    # 4 experts top-2, legacy per-expert names on disk (block_sparse_moe.gate, experts.{e}.w1/w2/w3)
    # as real Mixtral checkpoints have; BF16 like them.
    "mixtral": ("mixtral", dict(), "bfloat16", "per_expert", 1),
    # 6 experts top-3, transformers 5.x in-memory (fused) names on disk: mlp.gate,
    # mlp.experts.gate_up_proj, mlp.experts.down_proj; F32.
    "mixtral-fused": ("mixtral", dict(num_local_experts=6, num_experts_per_tok=3, intermediate_size=16),
                      "float32", "fused", 1),
}


# --------------------------------------------------------------------------------------------
# Random initialisation (transformers' own: norms exactly 1, biases 0, would hide bugs)
# --------------------------------------------------------------------------------------------

# Gains over N(0, 1/fan_in). With every Linear at gain 1 a 2-3 layer model is close to a fixed
# token -> token map: attention (logits std ~1) averages the whole context into a direction that
# changes little from step to step, and with tied embeddings the current token's own embedding
# then wins, so greedy repeats one token. q/k x2 (attention logits std ~4, content-specific) and
# o/down x3 (layer outputs outweigh the embedding in the residual) give 8-13 distinct greedy tokens.
QK_GAIN = 2.0
OUT_GAIN = 3.0


def randomize_(model, seed):
    cfg = model.config
    gen = torch.Generator().manual_seed(seed)
    H = cfg.hidden_size

    def randn(shape, std=1.0):
        return torch.randn(shape, generator=gen, dtype=torch.float64) * std

    # Tied: logits = h · Eᵀ, so a smaller embedding keeps logits O(10) (as in make_fixtures.py).
    embed_std = 0.25 if cfg.tie_word_embeddings else 1.0
    done = set()
    for name, p in model.named_parameters():  # fixed order -> deterministic draws
        shape = tuple(p.shape)
        if name.endswith("norm.weight"):  # input_layernorm, post_attention_layernorm, model.norm
            v = 1.0 + 0.2 * randn(shape)
        elif name == "model.embed_tokens.weight":
            v = randn(shape, embed_std)
        elif name == "lm_head.weight":
            v = randn(shape, 3.0 / math.sqrt(H))
        elif name.endswith(".bias"):  # q/k/v/o and MLP biases (attention_bias, mlp_bias)
            v = randn(shape, 0.2)
        elif name.endswith("mlp.gate.weight"):  # Mixtral router [E, H]; routing logits std ~2
            v = randn(shape, 2.0 / math.sqrt(H))
        elif name.endswith("experts.gate_up_proj"):  # [E, 2F, H]
            v = randn(shape, 1.0 / math.sqrt(shape[2]))
        elif name.endswith("experts.down_proj"):  # [E, H, F]; x3 like the dense down_proj
            v = randn(shape, OUT_GAIN / math.sqrt(shape[2]))
        elif name.endswith(("q_proj.weight", "k_proj.weight")):
            v = randn(shape, QK_GAIN / math.sqrt(shape[1]))
        elif name.endswith(("o_proj.weight", "down_proj.weight")):
            v = randn(shape, OUT_GAIN / math.sqrt(shape[1]))
        elif name.endswith(".weight") and p.ndim == 2:  # every other nn.Linear [out, in]
            v = randn(shape, 1.0 / math.sqrt(shape[1]))
        else:
            raise RuntimeError(f"randomize_: no rule for parameter {name} {shape}")
        with torch.no_grad():
            p.copy_(v.to(p.dtype))
        done.add(name)
    for name, _ in model.named_parameters(remove_duplicate=False):
        if name not in done and not (name == "lm_head.weight" and cfg.tie_word_embeddings):
            raise RuntimeError(f"randomize_: parameter {name} was not set")
    for name, _ in model.named_buffers():
        if name not in ("model.rotary_emb.inv_freq", "model.rotary_emb.original_inv_freq"):
            raise RuntimeError(f"unexpected buffer {name}")


def params_to_(model, dtype):
    """Cast parameters only. (model.to(bf16) would also round the rotary inv_freq buffers, which
    transformers computes and keeps in float32 when it loads a bf16 checkpoint.)"""
    with torch.no_grad():
        for p in model.parameters():
            p.data = p.data.to(dtype)
    return model


def make_model(arch, config_kwargs, seed):
    config_cls, model_cls, _, _ = ARCHS[arch]
    torch.manual_seed(seed)
    model = model_cls(config_cls(**json.loads(json.dumps(config_kwargs))))  # a deep copy
    model.set_attn_implementation("eager")
    if arch == "mixtral":
        model.set_experts_implementation("eager")
    randomize_(model, seed)
    return model.eval()


def save_as(model, folder, disk_dtype, shards, layout):
    """save_pretrained with parameters in disk_dtype; the model is float32 again afterwards."""
    params_to_(model, disk_dtype)
    try:
        names = mf.save_files(model, folder, shards, original_format=(layout != "fused"))
    finally:
        params_to_(model, torch.float32)
    if model.config.model_type == "mixtral":
        per_expert = [k for k in names if ".block_sparse_moe.experts." in k]
        fused = [k for k in names if k.endswith(("mlp.experts.gate_up_proj", "mlp.experts.down_proj"))]
        if layout == "per_expert" and (fused or not per_expert):
            raise RuntimeError(f"{folder}: expected per-expert tensors on disk, got {fused[:2]}")
        if layout == "fused" and (per_expert or not fused):
            raise RuntimeError(f"{folder}: expected fused tensors on disk, got {per_expert[:2]}")
    with open(os.path.join(folder, "config.json")) as f:
        written = json.load(f)
    want = {torch.float32: "float32", torch.bfloat16: "bfloat16"}[disk_dtype]
    if written.get("dtype") != want:
        raise RuntimeError(f"{folder}: config.json dtype {written.get('dtype')}, expected {want}")
    return names


def load(arch, folder, disk_dtype):
    model = mf.load_checkpoint(folder, disk_dtype, ARCHS[arch][1])
    independent_rope_(model)
    return model


# --------------------------------------------------------------------------------------------
# Dynamic RoPE: make every forward independent of the previous ones
# --------------------------------------------------------------------------------------------

def independent_rope_(model):
    """transformers' "dynamic" rotary embedding is stateful: a forward longer than the cached
    length recomputes inv_freq for that length and keeps it, and it only goes back to the
    original frequencies when a forward shorter than max_position_embeddings arrives. Goldens
    must not depend on the order of forwards, so this resets inv_freq, max_seq_len_cached and
    attention_scaling to their initial values before every call of the rotary embedding (one per
    model forward). A no-op for other rope types, which are not stateful. Install after any
    dtype change (the reset values are captured here)."""
    rot = model.model.rotary_emb
    if getattr(model, "_rope_reset_hook", None) is not None:
        model._rope_reset_hook.remove()
        model._rope_reset_hook = None
    if "dynamic" not in rot.rope_type:
        return model
    inv_freq0 = rot.original_inv_freq.detach().clone()
    scaling0, len0 = rot.attention_scaling, rot.original_max_seq_len

    def reset(module, args):
        module.register_buffer("inv_freq", inv_freq0.clone(), persistent=False)
        module.max_seq_len_cached = len0
        module.attention_scaling = scaling0

    model._rope_reset_hook = rot.register_forward_pre_hook(reset)
    return model


def cached_greedy(model, ids, steps):
    """transformers' own generation with a KV cache (greedy, no early stop). With dynamic RoPE it
    differs from re-running the whole sequence each step: the cache keeps keys and values computed
    with the frequencies of the length they were made at, and each new token gets those of its own
    length (max(position_ids) + 1). A cached engine can equal this, not the re-run; see README.md."""
    with torch.no_grad():
        out = model.generate(torch.tensor(np.asarray(ids, dtype=np.int64))[None, :], max_new_tokens=steps,
                             min_new_tokens=steps, do_sample=False, use_cache=True,
                             attention_mask=torch.ones(1, len(ids), dtype=torch.long), pad_token_id=0)
    return out[0, len(ids):].numpy().astype(np.int32)


def check_fresh_models(arch, folder, disk_dtype, model, seqs):
    """Each forward of `model` (hooked) must equal the first forward of a freshly loaded model."""
    for seq in seqs:
        fresh = mf.load_checkpoint(folder, disk_dtype, ARCHS[arch][1])  # no reset hook: first use
        a, b = mf.forward_logits(model, seq), mf.forward_logits(fresh, seq)
        if not torch.equal(a, b):
            raise RuntimeError(f"length {len(seq)}: hooked model differs from a fresh model "
                               f"({float((a - b).abs().max()):.3e})")


def stale_state_effect(arch, folder, disk_dtype, long_seq, seq):
    """How much a forward of `seq` changes when it follows a longer forward in a stateful model."""
    m = mf.load_checkpoint(folder, disk_dtype, ARCHS[arch][1])
    clean = mf.forward_logits(m, seq)
    mf.forward_logits(m, long_seq)
    stale = mf.forward_logits(m, seq)
    return float((stale - clean).abs().max())


# --------------------------------------------------------------------------------------------
# Float64 cross-check
# --------------------------------------------------------------------------------------------

def _rotary_forward_f64(self, x, position_ids):
    freqs = position_ids[..., None].to(torch.float64) * self.inv_freq.to(device=x.device, dtype=torch.float64)
    emb = torch.cat((freqs, freqs), dim=-1)
    return (emb.cos() * self.attention_scaling).to(x.dtype), (emb.sin() * self.attention_scaling).to(x.dtype)


@contextmanager
def strict_float64():
    """Removes the float32 islands of a .double() Llama/Mistral/Mixtral: RMSNorm (computes in
    float32), eager attention softmax (dtype=float32), the rotary cos/sin (computed in float32
    from float32 positions), and Mixtral's router (softmax of router_logits.float()). The
    inv_freq values themselves stay as transformers computes them (float32)."""
    saved = []
    rotary_f64 = dynamic_rope_update(_rotary_forward_f64)
    for _, _, mod, prefix in ARCHS.values():
        norm, rot = getattr(mod, prefix + "RMSNorm"), getattr(mod, prefix + "RotaryEmbedding")
        saved.append((mod, norm, rot, norm.forward, rot.forward, mod.eager_attention_forward))
        norm.forward = mf.rms_forward_f64
        rot.forward = rotary_f64
        mod.eager_attention_forward = mf.eager_attention_f64
    try:
        with mf.float_keeps_float64():
            yield
    finally:
        for mod, norm, rot, nf, rf, af in saved:
            norm.forward, rot.forward, mod.eager_attention_forward = nf, rf, af


def check_float64(name, arch, folder, disk_dtype, ids, tensors, stats):
    m64 = mf.load_checkpoint(folder, disk_dtype, ARCHS[arch][1]).double().eval()
    independent_rope_(m64)
    for i, seq in enumerate(ids):
        ref32 = torch.from_numpy(tensors[f"seq{i}.logits"]).double()
        loose = mf.forward_logits(m64, seq)
        with strict_float64():
            strict = mf.forward_logits(m64, seq)
            g64, _ = mf.greedy(m64, seq, mf.GREEDY_STEPS)
        if strict.dtype != torch.float64 or loose.dtype != torch.float64:
            raise RuntimeError(f"{name}: float64 model did not give float64 logits")
        stats["d64_loose"] = max(stats["d64_loose"], float((loose - ref32).abs().max()))
        stats["d64"] = max(stats["d64"], float((strict - ref32).abs().max()))
        if not np.array_equal(g64, tensors[f"seq{i}.greedy"]):
            raise RuntimeError(f"{name}: float64 greedy continuation differs for seq{i}")


# --------------------------------------------------------------------------------------------
# Other checks
# --------------------------------------------------------------------------------------------

def legacy_config(cfg):
    """config.json in the pre-v5 spelling: rope_theta at the top and rope_scaling (null for
    default RoPE on Llama, absent on Mistral/Mixtral; "type" for linear/dynamic as older
    checkpoints write it, "rope_type" for llama3 as Llama 3.1 does)."""
    cfg = dict(cfg)
    rp = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rp.pop("rope_theta")
    rope_type = rp.pop("rope_type")
    if rope_type == "default":
        if cfg["model_type"] == "llama":
            cfg["rope_scaling"] = None
    elif rope_type in ("linear", "dynamic"):
        cfg["rope_scaling"] = dict(type=rope_type, **rp)
    else:
        cfg["rope_scaling"] = dict(rope_type=rope_type, **rp)
    return cfg


def check_legacy_config(arch, folder, disk_dtype, ids, tensors):
    """The same weights with a legacy config.json must give bit-identical logits."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        for f in os.listdir(folder):
            if f.endswith((".safetensors", ".index.json")) and f != "golden.safetensors":
                os.symlink(os.path.abspath(os.path.join(folder, f)), os.path.join(tmp, f))
        with open(os.path.join(tmp, "config.json"), "w") as f:
            json.dump(legacy_config(cfg), f, indent=2)
        m = load(arch, tmp, disk_dtype)
        if m.config.rope_parameters.get("rope_theta") != cfg["rope_parameters"]["rope_theta"]:
            raise RuntimeError(f"legacy config: rope_theta not picked up ({m.config.rope_parameters})")
        for i, seq in enumerate(ids):
            if not np.array_equal(mf.forward_logits(m, seq).numpy(), tensors[f"seq{i}.logits"]):
                raise RuntimeError(f"legacy config.json gives different logits for seq{i}")


def check_other_layout(arch, model, disk_dtype, layout, ids, tensors):
    """Mixtral: the same weights saved in the other expert layout load to bit-identical logits."""
    other = "fused" if layout == "per_expert" else "per_expert"
    with tempfile.TemporaryDirectory() as tmp:
        save_as(model, tmp, disk_dtype, 1, other)
        m = load(arch, tmp, disk_dtype)
        for i, seq in enumerate(ids):
            if not np.array_equal(mf.forward_logits(m, seq).numpy(), tensors[f"seq{i}.logits"]):
                raise RuntimeError(f"{other} layout gives different logits for seq{i}")
    return other


def window_reach(model, seq):
    """Sliding-window models: the earliest token position that still changes the last
    position's logits, found by changing one token at a time."""
    base = mf.forward_logits(model, seq)[-1]
    earliest = None
    for j in range(len(seq) - 1, -1, -1):
        s = seq.copy()
        s[j] = (s[j] + 1) % model.config.vocab_size
        if not torch.equal(mf.forward_logits(model, s)[-1], base):
            earliest = j
    return earliest


def rope_bands(cfg, inv_freq):
    """llama3: which band each frequency falls in (same comparisons as transformers)."""
    rp = cfg.rope_parameters
    old = rp["original_max_position_embeddings"]
    low_wl, high_wl = old / rp["low_freq_factor"], old / rp["high_freq_factor"]
    theta, dim = rp["rope_theta"], cfg.head_dim
    out = []
    for k in range(dim // 2):
        f = 1.0 / (theta ** (2 * k / dim))
        wl = 2 * math.pi / f
        band = "unchanged" if wl < high_wl else ("divided" if wl > low_wl else "smoothed")
        out.append((k, f, wl, band, float(inv_freq[k])))
    return out, high_wl, low_wl


# --------------------------------------------------------------------------------------------
# Building one fixture
# --------------------------------------------------------------------------------------------

def build(name, arch, overrides, disk_dtype_name, layout, shards, seed, out_dir, check64):
    cfg_kwargs = dict(ARCH_BASE[arch])
    cfg_kwargs.update(overrides)
    if arch == "mixtral" and layout is None:
        layout = "per_expert"
    if arch != "mixtral":
        layout = None
    disk_dtype = mf.DTYPES[disk_dtype_name]
    target = os.path.join(out_dir, name)
    os.makedirs(out_dir, exist_ok=True)
    router_types = ROUTER_TYPES if arch == "mixtral" else ()

    for attempt in range(mf.MAX_ATTEMPTS):
        used_seed = seed + attempt
        model = make_model(arch, cfg_kwargs, used_seed)
        config = model.config
        params_to_(model, disk_dtype)  # the in-memory model holds exactly what goes to disk
        params_to_(model, torch.float32)
        independent_rope_(model)
        n_params = sum(p.numel() for p in model.parameters())
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=f".{name}.staging.") as staging:
            names = save_as(model, staging, disk_dtype, shards, layout)

            loaded = load(arch, staging, disk_dtype)
            sd_mem, sd_disk = model.state_dict(), loaded.state_dict()
            if sd_mem.keys() != sd_disk.keys():
                raise RuntimeError(f"{name}: state dict keys differ after reload")
            for k in sd_mem:
                if not torch.equal(sd_mem[k], sd_disk[k]):
                    raise RuntimeError(f"{name}: {k} differs after save/reload")
            for (k, a), (_, b) in zip(model.named_buffers(), loaded.named_buffers()):
                if a.dtype != torch.float32 or not torch.equal(a, b):
                    raise RuntimeError(f"{name}: buffer {k} differs after reload or is not float32")

            rng = np.random.default_rng(used_seed)
            ids = [rng.integers(0, config.vocab_size, size=T).astype(np.int32) for T in mf.SEQ_LENGTHS]
            tensors, stats = mf.compute_goldens(name, loaded, model, ids, router_types)
            gap = stats["router_gap"]
            if (stats["margin"] < mf.MIN_GREEDY_MARGIN or stats["distinct"] < mf.MIN_DISTINCT_GREEDY
                    or (gap is not None and gap < mf.MIN_ROUTER_GAP)):
                print(f"   {name}: seed {used_seed} rejected (greedy margin {stats['margin']:.2e}, "
                      f"distinct greedy tokens {stats['distinct']}, "
                      f"router gap {gap if gap is None else f'{gap:.2e}'}); trying seed {used_seed + 1}")
                continue

            checks = []
            rot = loaded.model.rotary_emb
            if "dynamic" in rot.rope_type:
                seqs = list(ids) + [np.concatenate([ids[i], tensors[f"seq{i}.greedy"][:-1]]).astype(np.int32)
                                    for i in range(len(ids))]
                check_fresh_models(arch, staging, disk_dtype, loaded, seqs)
                long_seq = seqs[-1]
                stats["stale"] = stale_state_effect(arch, staging, disk_dtype, long_seq, ids[2])
                checks.append(f"every golden forward equals a fresh model's ({len(seqs)} lengths); "
                              f"a stateful model would change seq2's logits by {stats['stale']:.3f} "
                              f"after a length-{len(long_seq)} forward")
                for i, seq in enumerate(ids):
                    tensors[f"seq{i}.greedy_cached"] = cached_greedy(loaded, seq, mf.GREEDY_STEPS)
                differ = [i for i in range(len(ids))
                          if not np.array_equal(tensors[f"seq{i}.greedy_cached"], tensors[f"seq{i}.greedy"])]
                checks.append(f"seq{{i}}.greedy_cached: generate() with a KV cache; differs from the re-run "
                              f"greedy for sequences {differ}")
            if getattr(config, "sliding_window", None) is not None:
                W, L, T = config.sliding_window, config.num_hidden_layers, len(ids[2])
                reach = window_reach(loaded, ids[2])
                expect = max(0, T - 1 - L * (W - 1))  # keys i-W < j <= i in every layer
                if reach != expect:
                    raise RuntimeError(f"{name}: earliest token reaching the last position is {reach}, "
                                       f"expected {expect} for window {W} (i-W < j <= i) and {L} layers")
                stats["reach"] = reach
                checks.append(f"sliding window: the last of {T} positions depends on tokens {reach}..{T - 1} "
                              f"only (= T-1-L*(W-1): keys i-W < j <= i per layer)")
            check_legacy_config(arch, staging, disk_dtype, ids, tensors)
            checks.append("legacy config.json (rope_theta + rope_scaling) gives bit-identical logits")
            if arch == "mixtral":
                other = check_other_layout(arch, model, disk_dtype, layout, ids, tensors)
                checks.append(f"the same weights saved {other} give bit-identical logits")
            if check64:
                check_float64(name, arch, staging, disk_dtype, ids, tensors, stats)

            meta = dict(mf.versions())
            meta.update(seed=str(used_seed), fixture=name, arch=arch, weights_dtype=disk_dtype_name,
                        generator="tools/reference/make_baseline_fixtures.py",
                        compute="float32, eager attention" + (", eager experts" if arch == "mixtral" else "")
                        + ", use_cache=False"
                        + (", dynamic rope reset before every forward" if "dynamic" in rot.rope_type else ""),
                        seq_lengths=",".join(map(str, mf.SEQ_LENGTHS)), greedy_steps=str(mf.GREEDY_STEPS))
            if layout is not None:
                meta["experts_layout"] = layout
            mf.write_safetensors(os.path.join(staging, "golden.safetensors"), tensors, meta)
            mf.install(staging, target)
        break
    else:
        raise RuntimeError(f"{name}: no seed in {seed}..{seed + mf.MAX_ATTEMPTS - 1} passed the margin checks")

    sizes = {f: os.path.getsize(os.path.join(target, f)) for f in sorted(os.listdir(target))}
    return dict(name=name, arch=arch, config=config, params=n_params, stats=stats, sizes=sizes,
                seed=used_seed, layout=layout, dtype=disk_dtype_name, names=names, checks=checks,
                inv_freq=loaded.model.rotary_emb.original_inv_freq.tolist())


def abbreviated_names(names):
    """Tensor names with shapes; layers after the first listed once as a count."""
    layers = sorted({int(k.split(".")[2]) for k in names if k.startswith("model.layers.")})
    lines = []
    for k in sorted(names, key=lambda k: (k.startswith("model.layers."), k)):
        parts = k.split(".")
        if k.startswith("model.layers.") and int(parts[2]) != layers[0]:
            continue
        f, shape, dtype = names[k]
        lines.append(f"{k:<60} {dtype:<5} {list(shape)}" + (f"  ({f})" if len(set(v[0] for v in names.values())) > 1 else ""))
    if len(layers) > 1:
        lines.append(f"(layers {layers[1]}..{layers[-1]}: the same names and shapes as layer {layers[0]})")
    return lines


def print_summary(r):
    c, s = r["config"], r["stats"]
    rp = c.rope_parameters
    print(f"== {r['name']}  ({r['arch']}, {r['dtype']}" + (f", experts {r['layout']}" if r["layout"] else "")
          + f", seed {r['seed']})")
    line = (f"   shape       vocab {c.vocab_size}, hidden {c.hidden_size}, ffn {c.intermediate_size}, "
            f"layers {c.num_hidden_layers}, heads {c.num_attention_heads}/{c.num_key_value_heads}, "
            f"head_dim {getattr(c, 'head_dim', None) or c.hidden_size // c.num_attention_heads}, "
            f"tied {c.tie_word_embeddings}, eps {c.rms_norm_eps}")
    if r["arch"] == "mixtral":
        line += f", experts {c.num_local_experts} top-{c.num_experts_per_tok}"
    if getattr(c, "sliding_window", None) is not None:
        line += f", sliding_window {c.sliding_window}"
    print(line)
    print(f"   rope        {json.dumps(rp, sort_keys=True)}, max_position_embeddings {c.max_position_embeddings}")
    print("   inv_freq    " + ", ".join(f"{v:.6g}" for v in r["inv_freq"]))
    if rp["rope_type"] == "llama3":
        bands, high_wl, low_wl = rope_bands(c, r["inv_freq"])
        print(f"   llama3      unchanged if wavelen < {high_wl:g}, divided by factor if > {low_wl:g}, else smoothed")
        for k, f, wl, band, got in bands:
            print(f"      freq {k}: theta^(-{2 * k}/{c.head_dim}) = {f:.6g}, wavelen {wl:9.2f} -> {band:<9} inv_freq {got:.6g}")
    print(f"   params      {r['params']:,}")
    print(f"   logits      max|x| {s['max_abs']:.3f}, std per seq "
          + ", ".join(f"{v:.3f}" for v in s["std"])
          + f"; min greedy top1-top2 margin {s['margin']:.4f}, min distinct greedy tokens {s['distinct']}/16")
    if s["router_gap"] is not None:
        print(f"   routing     {s['router_sets']} distinct top-k sets; min k-th vs (k+1)-th prob gap {s['router_gap']:.2e}")
    print(f"   memory      |Δ logits[-1]| when token 0 of seq2 changes: {s['first_token_effect']:.3f}")
    if s["d64"] or s["d64_loose"]:
        print(f"   float64     max|f32 - f64| {s['d64']:.2e} (strict float64), "
              f"{s['d64_loose']:.2e} (plain .double(), float32 islands kept)")
    for chk in r["checks"]:
        print(f"   checked     {chk}")
    for f, n in r["sizes"].items():
        print(f"   {f:<40} {n:>9,} B")
    print("   tensors on disk:")
    for ln in abbreviated_names(r["names"]):
        print("      " + ln)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder; fixtures go to OUT/<name>/")
    ap.add_argument("--only", choices=sorted(FIXTURES), action="append",
                    help="build only this fixture (repeatable)")
    ap.add_argument("--seed", type=int, default=mf.DEFAULT_SEED,
                    help=f"base seed (default {mf.DEFAULT_SEED}); each fixture derives its own from it")
    ap.add_argument("--arch", choices=sorted(ARCHS), help="architecture of the --custom checkpoint")
    ap.add_argument("--custom", metavar="JSON",
                    help="build one extra checkpoint: config overrides on top of the --arch base config")
    ap.add_argument("--name", help="folder name for --custom")
    ap.add_argument("--dtype", choices=sorted(mf.DTYPES), default="float32", help="weights on disk (--custom)")
    ap.add_argument("--experts-layout", choices=("per_expert", "fused"), default="per_expert",
                    help="Mixtral expert tensor names on disk (--custom)")
    ap.add_argument("--shards", type=int, default=1, help="number of safetensors shards (--custom)")
    ap.add_argument("--no-check64", dest="check64", action="store_false",
                    help="skip the float64 cross-check")
    args = ap.parse_args(argv)

    print("versions:", json.dumps(mf.versions()))
    jobs = []
    if args.custom is not None or args.arch or args.name:
        if not (args.arch and args.name):
            ap.error("a custom checkpoint needs --arch and --name (and optionally --custom JSON)")
        jobs.append((args.name, args.arch, json.loads(args.custom or "{}"), args.dtype,
                     args.experts_layout, args.shards, args.seed))
    else:
        for name in (args.only or list(FIXTURES)):
            arch, ov, dt, layout, shards = FIXTURES[name]
            jobs.append((name, arch, ov, dt, layout, shards, mf.fixture_seed(args.seed, name)))

    built = 0
    for name, arch, ov, dt, layout, shards, seed in jobs:
        r = build(name, arch, ov, dt, layout, shards, seed, args.out, args.check64)
        print_summary(r)
        built += sum(r["sizes"].values())
    print(f"size of the fixtures built: {built:,} B ({built / 2**20:.2f} MiB)")


if __name__ == "__main__":
    main()
