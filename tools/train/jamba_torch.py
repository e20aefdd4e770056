"""A fast PyTorch training forward for Jamba (transformers' JambaForCausalLM math, same names).

transformers' CPU Mamba path loops over time in Python with autograd on every step, which is far
too slow to train with. This module computes exactly the same function (DESIGN.md section 2):

  * Mamba mixer: in_proj -> depthwise causal conv1d -> silu -> x_proj -> RMSNorm on dt, B, C
    (dt_layernorm, b_layernorm, c_layernorm) -> softplus(dt_proj.weight @ dt + dt_proj.bias)
    -> selective scan with A = -exp(A_log) -> + D * x -> * silu(z) -> out_proj.
    The scan is a custom autograd function: the elementwise work is vectorised over batch, time,
    channels and states; only the first-order recurrence itself (one fused multiply-add on a
    [batch, d_inner, d_state] tensor per step) and its adjoint loop over time.
  * Attention: q/k/v/o projections, GQA, scale head_dim^-1/2, causal, NO positional encoding.
  * MLP: down(silu(gate(x)) * up(x)); MoE: softmax over all experts, top-k, weights NOT
    renormalised, experts stored fused as transformers holds them in memory
    (experts.gate_up_proj [E, 2F, H], gate rows first; experts.down_proj [E, H, F]).

Every parameter has the name JambaForCausalLM gives it, so `state_dict()` loads straight into
JambaForCausalLM (see `to_hf`), which is how train.py proves the equivalence.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def layer_kinds(cfg):
    """'attention' or 'mamba' per layer, as JambaConfig.layers_block_type."""
    return ["attention" if i % cfg["attn_layer_period"] == cfg["attn_layer_offset"] else "mamba"
            for i in range(cfg["num_hidden_layers"])]


def layer_experts(cfg):
    return [cfg["num_experts"] if i % cfg["expert_layer_period"] == cfg["expert_layer_offset"] else 1
            for i in range(cfg["num_hidden_layers"])]


def dt_rank(cfg):
    r = cfg.get("mamba_dt_rank", "auto")
    return math.ceil(cfg["hidden_size"] / 16) if r == "auto" else int(r)


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class SelectiveScan(torch.autograd.Function):
    """y[b,t,d] = sum_n s[b,t,d,n] * C[b,t,n] with
    s[b,t,d,n] = exp(dt[b,t,d] * A[d,n]) * s[b,t-1,d,n] + dt[b,t,d] * x[b,t,d] * B[b,t,n], s[-1] = 0.
    Shapes: dt, x [B,T,D]; A [D,N]; Bm, C [B,T,N]. (D skip and gating are done outside.)
    Internally time-major ([T,B,D,N]) so each step of the recurrence is one contiguous addcmul;
    everything else is one vectorised op over all of batch, time, channels and states."""

    @staticmethod
    def forward(ctx, dt, x, A, Bm, C):
        dtT, xT, BT, CT = (t.transpose(0, 1).contiguous() for t in (dt, x, Bm, C))
        a = torch.exp(dtT.unsqueeze(-1) * A)                       # [T,B,D,N]
        states = (dtT * xT).unsqueeze(-1) * BT.unsqueeze(2)         # u, overwritten by the states
        for t in range(1, states.shape[0]):
            torch.addcmul(states[t], a[t], states[t - 1], out=states[t])
        y = (states * CT.unsqueeze(2)).sum(-1)                      # [T,B,D]
        ctx.save_for_backward(dtT, xT, A, BT, CT, a, states)
        return y.transpose(0, 1)

    @staticmethod
    def backward(ctx, gy):
        dtT, xT, A, BT, CT, a, states = ctx.saved_tensors
        gyT = gy.transpose(0, 1).contiguous()
        gs = gyT.unsqueeze(-1) * CT.unsqueeze(2)                    # dL/ds_t through y_t ...
        for t in range(gs.shape[0] - 2, -1, -1):                   # ... plus through s_{t+1}
            torch.addcmul(gs[t], a[t + 1], gs[t + 1], out=gs[t])
        gC = (states * gyT.unsqueeze(-1)).sum(2)                    # [T,B,N]
        # dL/d(dt*A) = gs_t * s_{t-1} * a_t  (s_{-1} = 0)
        gz = gs * a
        gz[1:] *= states[:-1]
        gz[0].zero_()
        g_dt = (gz * A).sum(-1)                                     # [T,B,D]
        gA = (gz * dtT.unsqueeze(-1)).sum((0, 1))                   # [D,N]
        # u = (dt*x) B
        g_dtx = (gs * BT.unsqueeze(2)).sum(-1)                      # [T,B,D]
        gB = (gs * (dtT * xT).unsqueeze(-1)).sum(2)                 # [T,B,N]
        g_dt = g_dt + g_dtx * xT
        gx = g_dtx * dtT
        return (g_dt.transpose(0, 1), gx.transpose(0, 1), gA, gB.transpose(0, 1), gC.transpose(0, 1))


class SelectiveScanC(torch.autograd.Function):
    """SelectiveScan with the loops in C (scan_kernel.c): no [B,T,D,N] tensors at all; the
    backward recomputes the states row by row. float32 only."""

    @staticmethod
    def forward(ctx, dt, x, A, Bm, C):
        from scan_kernel import kernel, ptr, THREADS
        dt, x, A, Bm, C = (t.detach().float().contiguous() for t in (dt, x, A, Bm, C))
        Bsz, T, D = x.shape
        N = A.shape[1]
        y = torch.empty_like(x)
        kernel().scan_forward(Bsz, T, D, N, ptr(dt), ptr(x), ptr(A), ptr(Bm), ptr(C), ptr(y), THREADS[0])
        ctx.save_for_backward(dt, x, A, Bm, C)
        return y

    @staticmethod
    def backward(ctx, gy):
        from scan_kernel import kernel, ptr, THREADS
        dt, x, A, Bm, C = ctx.saved_tensors
        gy = gy.float().contiguous()
        Bsz, T, D = x.shape
        N = A.shape[1]
        gdt, gx = torch.empty_like(x), torch.empty_like(x)
        gA_part = torch.empty(Bsz, D, N)
        gB, gC = torch.empty_like(Bm), torch.empty_like(C)
        kernel().scan_backward(Bsz, T, D, N, ptr(dt), ptr(x), ptr(A), ptr(Bm), ptr(C), ptr(gy),
                               ptr(gdt), ptr(gx), ptr(gA_part), ptr(gB), ptr(gC), THREADS[0])
        return gdt, gx, gA_part.sum(0), gB, gC


SCAN_IMPL = ["c"]  # "c" (scan_kernel.c) or "torch" (SelectiveScan); the C kernel needs gcc


def selective_scan(dt, x, A, Bm, C):
    if SCAN_IMPL[0] == "c" and dt.dtype == torch.float32:
        return SelectiveScanC.apply(dt, x, A, Bm, C)
    return SelectiveScan.apply(dt, x, A, Bm, C)


def selective_scan_reference(dt, x, A, Bm, C):
    """Plain autograd loop (for gradcheck of SelectiveScan)."""
    s = torch.zeros(x.shape[0], x.shape[2], A.shape[1], dtype=x.dtype)
    ys = []
    for t in range(x.shape[1]):
        s = torch.exp(dt[:, t, :, None] * A) * s + (dt[:, t] * x[:, t])[:, :, None] * Bm[:, t, None, :]
        ys.append((s * C[:, t, None, :]).sum(-1))
    return torch.stack(ys, 1)


class MambaMixer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.d_inner = di = cfg["mamba_expand"] * d
        self.N = N = cfg["mamba_d_state"]
        self.K = K = cfg["mamba_d_conv"]
        self.R = R = dt_rank(cfg)
        eps = cfg["rms_norm_eps"]
        self.in_proj = nn.Linear(d, 2 * di, bias=cfg["mamba_proj_bias"])
        self.conv1d = nn.Conv1d(di, di, K, groups=di, padding=K - 1, bias=cfg["mamba_conv_bias"])
        self.x_proj = nn.Linear(di, R + 2 * N, bias=False)
        self.dt_proj = nn.Linear(R, di, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, N + 1, dtype=torch.float32)).repeat(di, 1))
        self.D = nn.Parameter(torch.ones(di))
        self.out_proj = nn.Linear(di, d, bias=cfg["mamba_proj_bias"])
        self.dt_layernorm = RMSNorm(R, eps)
        self.b_layernorm = RMSNorm(N, eps)
        self.c_layernorm = RMSNorm(N, eps)

    def forward(self, h):                                           # h [B,T,d]
        T = h.shape[1]
        xs, z = self.in_proj(h).chunk(2, dim=-1)
        xc = F.silu(self.conv1d(xs.transpose(1, 2))[:, :, :T].transpose(1, 2))
        dt, Bm, C = torch.split(self.x_proj(xc), [self.R, self.N, self.N], dim=-1)
        dt = self.dt_layernorm(dt)
        Bm = self.b_layernorm(Bm)
        C = self.c_layernorm(C)
        dt = F.softplus(dt @ self.dt_proj.weight.t() + self.dt_proj.bias)
        A = -torch.exp(self.A_log)
        y = selective_scan(dt, xc, A, Bm, C)
        y = y + xc * self.D
        y = y * F.silu(z)
        return self.out_proj(y)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.H = cfg["num_attention_heads"]
        self.KV = cfg["num_key_value_heads"]
        self.hd = d // self.H
        self.q_proj = nn.Linear(d, self.H * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.KV * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.KV * self.hd, bias=False)
        self.o_proj = nn.Linear(self.H * self.hd, d, bias=False)

    def forward(self, h):
        Bsz, T, _ = h.shape
        q = self.q_proj(h).view(Bsz, T, self.H, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(Bsz, T, self.KV, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(Bsz, T, self.KV, self.hd).transpose(1, 2)
        rep = self.H // self.KV
        if rep > 1:  # query head h uses kv head h // rep (transformers' repeat_kv)
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=self.hd ** -0.5)
        return self.o_proj(o.transpose(1, 2).reshape(Bsz, T, self.H * self.hd))


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, f = cfg["hidden_size"], cfg["intermediate_size"]
        self.gate_proj = nn.Linear(d, f, bias=False)
        self.up_proj = nn.Linear(d, f, bias=False)
        self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Router(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cfg["num_experts"], cfg["hidden_size"]))


class Experts(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        E, d, f = cfg["num_experts"], cfg["hidden_size"], cfg["intermediate_size"]
        self.gate_up_proj = nn.Parameter(torch.empty(E, 2 * f, d))
        self.down_proj = nn.Parameter(torch.empty(E, d, f))


class MoE(nn.Module):
    """Dense evaluation of every expert, weighted by the top-k softmax probabilities (others 0).
    Same function as transformers' sparse loop; at E = 4 and width 64 dense is faster on CPU."""

    def __init__(self, cfg):
        super().__init__()
        self.k = cfg["num_experts_per_tok"]
        self.router = Router(cfg)
        self.experts = Experts(cfg)
        self.last_aux = None

    def forward(self, x):
        logits = x @ self.router.weight.t()                          # [B,T,E]
        p = torch.softmax(logits, dim=-1)
        topv, topi = torch.topk(p, self.k, dim=-1)
        w = torch.zeros_like(p).scatter(-1, topi, topv)            # un-renormalised top-k weights
        E, F2, d = self.experts.gate_up_proj.shape
        f = F2 // 2
        gu = (x @ self.experts.gate_up_proj.reshape(E * F2, d).t()).unflatten(-1, (E, F2))
        g, u = gu.split(f, dim=-1)                                  # gate rows first
        hmid = F.silu(g) * u * w.unsqueeze(-1)                      # [B,T,E,F], weighted
        # sum_e w_e * down_e(h_e) as one matmul over the concatenated experts
        out = hmid.flatten(-2) @ self.experts.down_proj.transpose(1, 2).reshape(E * f, d)
        # Switch-style load balancing (transformers' load_balancing_loss_func, one layer).
        counts = torch.zeros(E).scatter_add_(0, topi.reshape(-1), torch.ones(topi.numel())) / p[..., 0].numel()
        self.last_aux = E * (counts * p.reshape(-1, E).mean(0)).sum()
        return out


class DecoderLayer(nn.Module):
    def __init__(self, cfg, kind, experts):
        super().__init__()
        self.kind = kind
        if kind == "attention":
            self.self_attn = Attention(cfg)
        else:
            self.mamba = MambaMixer(cfg)
        self.feed_forward = MoE(cfg) if experts > 1 else MLP(cfg)
        self.input_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])
        self.pre_ff_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])

    def forward(self, h):
        x = self.input_layernorm(h)
        h = h + (self.self_attn(x) if self.kind == "attention" else self.mamba(x))
        return h + self.feed_forward(self.pre_ff_layernorm(h))


class Inner(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(DecoderLayer(cfg, k, e) for k, e in zip(layer_kinds(cfg), layer_experts(cfg)))
        self.final_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])


class FastJamba(nn.Module):
    """JambaForCausalLM's function with its parameter names ('model.…', 'lm_head.weight')."""

    def __init__(self, cfg):
        super().__init__()
        assert not cfg.get("tie_word_embeddings", False)
        self.cfg = cfg
        self.model = Inner(cfg)
        self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)

    def forward(self, ids):
        h = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            h = layer(h)
        return self.lm_head(self.model.final_layernorm(h))

    def aux_loss(self):
        terms = [l.feed_forward.last_aux for l in self.model.layers if isinstance(l.feed_forward, MoE)]
        return sum(terms) / len(terms) if terms else torch.zeros(())

    def init_weights(self, generator):
        """Width-aware init for training (at width 64, transformers' fixed std 0.02 leaves every
        signal tiny and learning crawls): matrices normal(0, 1/sqrt(fan_in)), embeddings
        normal(0, 1), depthwise conv uniform(+-1/sqrt(K)) as PyTorch's default, biases 0, norms
        and D 1, A_log = log(1..N) (S4D-real, as transformers), and Mamba's dt_proj init (weight
        uniform +-R^-1/2, bias = softplus^-1 of dt log-uniform in [1e-3, 1e-1])."""
        for name, p in self.named_parameters():
            with torch.no_grad():
                if name.endswith("layernorm.weight") or name.endswith(".D"):
                    p.fill_(1.0)
                elif name.endswith("A_log"):
                    p.copy_(torch.log(torch.arange(1, p.shape[1] + 1, dtype=torch.float32)).repeat(p.shape[0], 1))
                elif name.endswith("dt_proj.weight"):
                    r = p.shape[1] ** -0.5
                    p.uniform_(-r, r, generator=generator)
                elif name.endswith("dt_proj.bias"):
                    dt = torch.exp(torch.rand(p.shape, generator=generator) * (math.log(0.1) - math.log(1e-3))
                                   + math.log(1e-3)).clamp(min=1e-4)
                    p.copy_(dt + torch.log(-torch.expm1(-dt)))     # inverse softplus
                elif name.endswith(".bias"):
                    p.zero_()
                elif name.endswith("conv1d.weight"):
                    r = p.shape[-1] ** -0.5
                    p.uniform_(-r, r, generator=generator)
                elif name.endswith("embed_tokens.weight"):
                    p.normal_(0.0, 1.0, generator=generator)
                else:
                    p.normal_(0.0, p.shape[-1] ** -0.5, generator=generator)


def hf_config_dict(cfg):
    """The config.json fields for JambaConfig (everything else keeps transformers' defaults)."""
    return dict(cfg)


def to_hf(model, dtype=torch.float32):
    """Load FastJamba's weights into transformers' JambaForCausalLM (eager attention and experts)."""
    from transformers import JambaConfig, JambaForCausalLM
    config = JambaConfig(**model.cfg)
    try:
        hf = JambaForCausalLM(config)
        hf.config._attn_implementation = "eager"
        hf.config._experts_implementation = "eager"
    except TypeError:
        raise
    missing, unexpected = hf.load_state_dict(model.state_dict(), strict=True)
    return hf.to(dtype).eval()
