#!/usr/bin/env python3
"""Time transformers' JambaForCausalLM prefill on CPU, to compare with the Swift engine.

One forward over --tokens random token ids (batch 1, use_cache=False, no grad, eager attention,
eager experts; float32 unless --dtype bfloat16, which keeps a BF16 checkpoint as stored and runs
PyTorch's BF16 CPU kernels), --repeats times after --warmup untimed runs. Weights are random
(transformers' own init) unless --weights points at a checkpoint folder; the timing does not
depend on their values except through which experts the router picks.

    bench_transformers.py --config Tests/Fixtures/hybrid/config.json --tokens 64
    bench_transformers.py --config models/jamba-v0.1/config.json --num-layers 8 --tokens 2048

The full Jamba-v0.1 (52B parameters) does not fit in memory in float32: use --num-layers to time
a prefix of the stack (one full attention/Mamba period is 8 layers).
"""

import argparse
import json
import os
import platform
import statistics
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, help="config.json (or a folder holding one)")
    ap.add_argument("--weights", help="checkpoint folder to load instead of random init")
    ap.add_argument("--tokens", type=int, default=2048)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--num-layers", type=int, help="override num_hidden_layers (time a prefix)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32",
                    help="the model's parameter dtype in PyTorch (default float32)")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)  # before any work, so intra-op pools are sized once
    import transformers
    from transformers import JambaConfig, JambaForCausalLM

    transformers.logging.set_verbosity_error()
    torch.manual_seed(args.seed)

    path = os.path.join(args.config, "config.json") if os.path.isdir(args.config) else args.config
    with open(path) as f:
        cfg = json.load(f)
    if args.num_layers is not None:
        cfg["num_hidden_layers"] = args.num_layers
    for k in ("architectures", "transformers_version", "dtype", "torch_dtype"):
        cfg.pop(k, None)
    # Some config.json files spell the layer kinds out; JambaConfig 5.x derives them from the
    # periods/offsets (a read-only property) and rejects the key, so check it and drop it.
    listed = cfg.pop("layers_block_type", None)
    config = JambaConfig(**cfg)
    if listed is not None and list(listed[: config.num_hidden_layers]) != config.layers_block_type:
        raise SystemExit(f"layers_block_type in {path} disagrees with attn_layer_period/offset")

    dtype = getattr(torch, args.dtype)
    if args.weights:
        model = JambaForCausalLM.from_pretrained(
            args.weights, config=config, dtype=dtype,
            attn_implementation="eager", experts_implementation="eager")
    else:
        model = JambaForCausalLM(config)
        model.set_attn_implementation("eager")
        model.set_experts_implementation("eager")
    model = model.to(dtype).eval()
    if model.config._attn_implementation != "eager" or model.config._experts_implementation != "eager":
        raise SystemExit("could not select eager attention/experts")

    n_params = sum(p.numel() for p in model.parameters())
    kinds = "".join("A" if t == "attention" else "M" for t in config.layers_block_type)
    ids = torch.randint(0, config.vocab_size, (1, args.tokens))

    def run():
        with torch.inference_mode():
            t0 = time.perf_counter()
            out = model(input_ids=ids, use_cache=False)
            dt = time.perf_counter() - t0
        assert out.logits.shape == (1, args.tokens, config.vocab_size)
        return dt

    for _ in range(args.warmup):
        run()
    times = [run() for _ in range(args.repeats)]
    rates = [args.tokens / t for t in times]
    mean = statistics.mean(rates)
    sd = statistics.stdev(rates) if len(rates) > 1 else 0.0

    print(f"python {platform.python_version()}, torch {torch.__version__}, transformers {transformers.__version__}")
    print(f"torch threads: {torch.get_num_threads()} (requested {args.threads}), interop {torch.get_num_interop_threads()}")
    print(f"config: {path}; layers {config.num_hidden_layers} [{kinds}], hidden {config.hidden_size}, "
          f"params {n_params:,}, weights {'from ' + args.weights if args.weights else 'random'}")
    print(f"prefill: {args.tokens} tokens, batch 1, {args.dtype}, eager attention + experts, use_cache=False")
    print("times (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(f"tokens/s: {mean:.1f} ± {sd:.1f} (mean ± sd over {args.repeats} repeats, {args.warmup} warm-up)")


if __name__ == "__main__":
    main()
