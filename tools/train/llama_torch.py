"""A PyTorch training forward for a Llama decoder (transformers' LlamaForCausalLM math, same names).

The rotary-position baseline of the recall checkpoints (models/llama-recall): the width, depth,
heads and KV heads of jamba-recall, but every layer is attention with rotary positions followed by
a dense gated-SiLU MLP, as LlamaForCausalLM computes it:

  * h = embed_tokens(ids); per layer h += o_proj(attn(rope(q), rope(k), v)) on input_layernorm(h),
    then h += mlp(post_attention_layernorm(h)); logits = lm_head(norm(h)). No biases anywhere,
    lm_head untied from the embeddings.
  * Rotary positions (rope_type "default"): inv_freq[i] = 1 / theta^(2i / head_dim) for
    i < head_dim / 2, angle = position * inv_freq in float32 (positions 0 .. T-1), the angle
    table repeated twice along the head dimension, x' = x * cos + rotate_half(x) * sin with
    rotate_half(x) = cat(-x[half:], x[:half]) -- element i is paired with element i + head_dim/2.
  * Attention: GQA (query head h reads KV head h // (heads / kv_heads)), scale head_dim^-1/2,
    causal (SDPA with is_causal).
  * RMSNorm and the MLP (down(silu(gate(x)) * up(x))) are jamba_torch's, which are the same
    functions as LlamaRMSNorm and LlamaMLP.

Parameter names are LlamaForCausalLM's ('model.embed_tokens.weight', 'model.layers.{i}.self_attn.
q_proj.weight', 'model.layers.{i}.mlp.gate_proj.weight', 'model.layers.{i}.input_layernorm.weight',
'model.layers.{i}.post_attention_layernorm.weight', 'model.norm.weight', 'lm_head.weight'), so
`state_dict()` loads into LlamaForCausalLM with strict=True (train.py saves and checks it that way).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from jamba_torch import MLP, Attention, RMSNorm


def rope_theta(cfg):
    return float(cfg.get("rope_theta", (cfg.get("rope_parameters") or {}).get("rope_theta", 10000.0)))


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


class Rotary:
    """cos/sin tables [T, head_dim] for positions 0..T-1, computed as LlamaRotaryEmbedding does
    (float32 angles, then cos and sin), cached per length."""

    def __init__(self, dim, theta):
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float) / dim))
        self.cache = {}

    def tables(self, T):
        if T not in self.cache:
            freqs = torch.arange(T, dtype=torch.float)[:, None] * self.inv_freq[None, :]
            emb = torch.cat((freqs, freqs), dim=-1)
            self.cache = {T: (emb.cos(), emb.sin())}       # one length at a time is enough
        return self.cache[T]


def rotate(x, cos, sin):
    """x [B, heads, T, hd] turned by the angles of its positions (rotate-half pairing)."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


class RotaryAttention(Attention):
    """jamba_torch.Attention (same projections and names) with rotary q and k."""

    def forward(self, h, cos, sin):
        Bsz, T, _ = h.shape
        q = self.q_proj(h).view(Bsz, T, self.H, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(Bsz, T, self.KV, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(Bsz, T, self.KV, self.hd).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        rep = self.H // self.KV
        if rep > 1:  # transformers' repeat_kv: query head h uses kv head h // rep
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=self.hd ** -0.5)
        return self.o_proj(o.transpose(1, 2).reshape(Bsz, T, self.H * self.hd))


class LlamaLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self_attn = RotaryAttention(cfg)
        self.mlp = MLP(cfg)
        self.input_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])

    def forward(self, h, cos, sin):
        h = h + self.self_attn(self.input_layernorm(h), cos, sin)
        return h + self.mlp(self.post_attention_layernorm(h))


class LlamaInner(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(LlamaLayer(cfg) for _ in range(cfg["num_hidden_layers"]))
        self.norm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])


class FastLlama(nn.Module):
    """LlamaForCausalLM's function with its parameter names ('model.…', 'lm_head.weight')."""

    def __init__(self, cfg):
        super().__init__()
        assert not cfg.get("tie_word_embeddings", False)
        assert not cfg.get("attention_bias", False) and not cfg.get("mlp_bias", False)
        assert cfg.get("hidden_act", "silu") == "silu"
        assert head_dim(cfg) * cfg["num_attention_heads"] == cfg["hidden_size"], "jamba_torch.Attention: hd = width / heads"
        self.cfg = cfg
        self.model = LlamaInner(cfg)
        self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)
        self.rotary = Rotary(head_dim(cfg), rope_theta(cfg))

    def forward(self, ids):
        cos, sin = self.rotary.tables(ids.shape[1])
        h = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            h = layer(h, cos, sin)
        return self.lm_head(self.model.norm(h))

    def aux_loss(self):
        return torch.zeros(())

    def init_weights(self, generator):
        """The recall checkpoints' width-aware init (jamba_torch.FastJamba.init_weights): norms 1,
        embeddings normal(0, 1), every matrix normal(0, 1/sqrt(fan_in))."""
        for name, p in self.named_parameters():
            with torch.no_grad():
                if p.dim() == 1:
                    p.fill_(1.0)
                elif name.endswith("embed_tokens.weight"):
                    p.normal_(0.0, 1.0, generator=generator)
                else:
                    p.normal_(0.0, p.shape[-1] ** -0.5, generator=generator)


def param_counts(cfg):
    """(total, per-token active) parameters of a Llama config: the same here (dense MLP)."""
    d, f, L, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"], cfg["vocab_size"]
    hd = head_dim(cfg)
    attn = d * hd * (2 * cfg["num_attention_heads"] + 2 * cfg["num_key_value_heads"])
    n = 2 * V * d + d + L * (attn + 3 * d * f + 2 * d)
    return n, n
