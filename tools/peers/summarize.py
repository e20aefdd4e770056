#!/usr/bin/env python3
"""Summarise one llama_cpp.sh results folder: a Markdown table of both programs' tokens/s (mean ± sd
over interleaved rounds), the load, jamba-eval's calibration, and the ratios issue 13 sets targets for.

Bytes a decode step reads are counted from the checkpoint's safetensors header (no weights loaded):
every tensor except the token embedding (a decode step reads one row of it per sequence), the MoE
experts counted top-k / E at batch 1 and, at batch 8, every expert (the issue's "about 1.9 GB"; the
expected number of distinct experts 8 tokens route to under uniform routing is also shown). KV-cache and
Mamba-state reads are left out (a few MB at 192 tokens of context).

Usage: summarize.py RESULTS_DIR --checkpoint CHECKPOINT_DIR  (standard library only)
"""
import argparse
import glob
import json
import os
import re
import statistics
import struct


def mean_sd(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None, 0
    return statistics.fmean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0), len(xs)


def fmt(xs, digits=1):
    m, s, n = mean_sd(xs)
    if m is None:
        return "n/a"
    return f"{m:.{digits}f} ± {s:.{digits}f}"


def weight_bytes(checkpoint):
    """(bytes read by a batch-1 decode step, bytes with every expert read, per-expert bytes by layer, config)."""
    with open(os.path.join(checkpoint, "model.safetensors"), "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    config = json.load(open(os.path.join(checkpoint, "config.json")))
    dense, experts = 0, {}  # experts: layer -> {expert -> bytes}
    for name, t in header.items():
        size = t["data_offsets"][1] - t["data_offsets"][0]
        if "embed_tokens" in name:
            continue
        m = re.search(r"layers\.(\d+)\..*experts\.(\d+)\.", name)
        if m:
            layer, expert = int(m.group(1)), int(m.group(2))
            experts.setdefault(layer, {}).setdefault(expert, 0)
            experts[layer][expert] += size
        else:
            dense += size
    k, e = config["num_experts_per_tok"], config["num_experts"]
    per_expert = {layer: max(v.values()) for layer, v in experts.items()}
    batch1 = dense + sum(k * b for b in per_expert.values())
    all_experts = dense + sum(sum(v.values()) for v in experts.values())
    return batch1, all_experts, dense, per_expert, k, e


def load_rounds(out):
    rounds = sorted({int(m.group(1)) for p in os.listdir(out) if (m := re.match(r"r(\d+)-", p))})
    rows = {}

    def put(key, r, value):
        rows.setdefault(key, {})[r] = value

    calib, bw, env = [], [], {}
    for r in rounds:
        for line in open(os.path.join(out, f"r{r}-llama-pp.jsonl")):
            if line.strip().startswith("{"):
                d = json.loads(line)
                if d.get("n_gen") == 0:
                    put(("llama", f"pp{d['n_prompt']}"), r, d["avg_ts"])
        for line in open(os.path.join(out, f"r{r}-llama-tg.jsonl")):
            if line.strip().startswith("{"):
                d = json.loads(line)
                if d.get("n_prompt") == 0:
                    put(("llama", f"tg{d['n_gen']}"), r, d["avg_ts"])
        for line in open(os.path.join(out, f"r{r}-llama-b8.jsonl")):
            if line.strip().startswith("{"):
                d = json.loads(line)
                put(("llama", f"tg{d['tg']} @ d{d['pp']} ×{d['pl']}"), r, d["speed_tg"])
        for part in ("pp", "tg", "b8"):
            p = os.path.join(out, f"r{r}-je-{part}.json")
            if not os.path.exists(p):
                continue
            d = json.load(open(p))
            env = d.get("environment", env)
            env["bandwidthBytes"] = d.get("bandwidthBytes")
            calib += d["calibration"]["values"]
            bw += d["bandwidth"]["values"]
            put(("je-bw", part), r, d["bandwidth"]["values"][0])
            for res in d["results"]:
                t = res["test"]
                if "prefill" in t:
                    name = f"pp{t['prefill']['tokens']}"
                else:
                    dec = t["decode"]
                    name = f"tg{dec['tokens']}"
                    if res["batch"] > 1 or dec["depth"]:
                        name += f" @ d{dec['depth']} ×{res['batch']}"
                put(("je", name), r, res["tokensPerSecond"]["values"][0])
                put(("je-util", name), r, res["utilisation"]["values"][0])
    return rounds, rows, calib, bw, env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--checkpoint", required=True)
    a = ap.parse_args()
    out = a.results
    rounds, rows, calib, bw, env = load_rounds(out)
    batch1, all_experts, dense, per_expert, k, e = weight_bytes(a.checkpoint)
    batch = 8
    distinct = e * (1 - (1 - k / e) ** batch)  # expected distinct experts per MoE layer, uniform routing
    expected8 = dense + sum(distinct * b for b in per_expert.values())
    bw_mean, _, _ = mean_sd(bw)

    machine = open(os.path.join(out, "machine.txt")).read().strip()
    loads = open(os.path.join(out, "load.txt")).read().strip().splitlines()

    def vals(key):
        d = rows.get(key, {})
        return [d.get(r) for r in rounds]

    def paired(a_key, b_key, f=lambda x, y: x / y):
        return [f(x, y) if x is not None and y is not None else None for x, y in zip(vals(a_key), vals(b_key))]

    b8 = f"tg64 @ d128 ×{batch}"
    print("## Machine\n")
    print("```\n" + machine)
    print(f"openblas_core: {env.get('openblasCore')} ({env.get('openblasCoreChoice')}); {env.get('openblasConfig')}")
    print(f"last_level_cache: {env.get('lastLevelCacheBytes', 0) / 2**20:.0f} MiB\n```\n")
    print("Load average (1/5/15 min) at the start and end of each round:\n")
    print("```\n" + "\n".join(loads) + "\n```\n")
    print(f"## Throughput, tokens/s, mean ± sd over {len(rounds)} interleaved rounds\n")
    print("| test | llama.cpp | jamba-eval | jamba-eval ÷ llama.cpp (paired by round) | jamba-eval util. |")
    print("|---|---:|---:|---:|---:|")
    for test, label in [("pp512", "pp512"), ("pp2048", "pp2048"), ("pp8192", "pp8192"), ("tg64", "tg64, batch 1, empty context"),
                        (b8, f"tg64 after 128 prompt tokens, batch {batch}, total t/s")]:
        print(f"| {label} | {fmt(vals(('llama', test)))} | {fmt(vals(('je', test)))} | "
              f"{fmt(paired(('je', test), ('llama', test)), 2)} | {fmt(vals(('je-util', test)), 3)} |")
    print(f"| (llama-batched-bench batch 1, tg64 after 128) | {fmt(vals(('llama', 'tg64 @ d128 ×1')))} | | | |")
    print()
    print("Per round (llama.cpp / jamba-eval, t/s; jamba-eval's sgemv GB/s at the start of each of its runs):\n")
    tests = [("pp512", "pp512"), ("pp2048", "pp2048"), ("pp8192", "pp8192"), ("tg64", "tg64"), (b8, f"b{batch}")]
    print("| round | " + " | ".join(label for _, label in tests) + " | llama-batched-bench b1 | sgemv GB/s (pp, tg, b8) |")
    print("|---|" + "---:|" * (len(tests) + 2))
    for i, r in enumerate(rounds):
        cells = []
        for test, _ in tests:
            x, y = vals(("llama", test))[i], vals(("je", test))[i]
            cells.append(f"{x:.1f} / {y:.1f}" if x is not None and y is not None else "n/a")
        b1 = vals(("llama", "tg64 @ d128 ×1"))[i]
        bws = [vals(("je-bw", part))[i] for part in ("pp", "tg", "b8")]
        print(f"| {r} | " + " | ".join(cells) + f" | {b1:.1f} | " + ", ".join(f"{b / 1e9:.1f}" for b in bws if b) + " |")
    print()
    print("## Calibration (jamba-eval, every invocation)\n")
    print(f"- sgemm 2048×1024×4096: {fmt([c / 1e9 for c in calib])} GFLOP/s (n = {len(calib)})")
    print(f"- sgemv over {(env.get('bandwidthBytes') or 0) / 2**30:.0f} GiB: {fmt([b / 1e9 for b in bw], 2)} GB/s "
          f"(n = {len(bw)}; min {min(bw) / 1e9:.1f}, max {max(bw) / 1e9:.1f})\n")
    print("## Against issue 13's targets\n")
    bw_max = max(bw)
    print(f"Bytes per decode step (weights, from the safetensors header, embedding excluded): batch 1 "
          f"{batch1 / 1e9:.3f} GB; batch {batch}, every expert {all_experts / 1e9:.3f} GB "
          f"(expected under uniform top-{k} routing: {distinct:.2f} of {e} experts per MoE layer, {expected8 / 1e9:.3f} GB). "
          f"Bandwidth: jamba-eval's own decode runs are divided by the sgemv calibration measured in the same "
          f"invocation (it moves with the load as the decode does); llama.cpp's, and the limits in t/s, by the mean "
          f"calibration, {bw_mean / 1e9:.2f} GB/s. The highest calibration seen, {bw_max / 1e9:.2f} GB/s, "
          f"is the best estimate of an unloaded machine's bandwidth: the ratios against it are shown too.\n")
    je_tg, ll_tg = vals(("je", "tg64")), vals(("llama", "tg64"))
    je_b8, ll_b8 = vals(("je", b8)), vals(("llama", b8))
    bw_tg, bw_b8 = vals(("je-bw", "tg")), vals(("je-bw", "b8"))
    limit8 = batch * bw_mean / all_experts
    limit8e = batch * bw_mean / expected8
    limit8max = batch * bw_max / all_experts
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(f"| prefill pp512, jamba-eval ÷ llama.cpp | {fmt(paired(('je', 'pp512'), ('llama', 'pp512')), 2)} | ≥ 2.2 |")
    print(f"| prefill pp2048, jamba-eval ÷ llama.cpp | {fmt(paired(('je', 'pp2048'), ('llama', 'pp2048')), 2)} | ≥ 2.2 |")
    print(f"| prefill pp8192, jamba-eval ÷ llama.cpp | {fmt(paired(('je', 'pp8192'), ('llama', 'pp8192')), 2)} | ≥ 2.2 |")
    print(f"| prefill pp2048 MFU (÷ in-run sgemm) | {fmt(vals(('je-util', 'pp2048')), 3)} | ≥ 0.8 |")
    print(f"| batch-1 decode: jamba-eval bench's own util. (its bytes/s ÷ sgemv measured just before and after) | {fmt(vals(('je-util', 'tg64')), 3)} | ≥ 0.9 |")
    print(f"| batch-1 decode: weight bytes/s ÷ bandwidth (same invocation, start of run), jamba-eval | {fmt([x * batch1 / b if x and b else None for x, b in zip(je_tg, bw_tg)], 3)} | ≥ 0.9 |")
    print(f"| batch-1 decode: weight bytes/s ÷ highest bandwidth seen, jamba-eval | {fmt([x * batch1 / bw_max if x else None for x in je_tg], 3)} | ≥ 0.9 |")
    print(f"| batch-1 decode: weight bytes/s ÷ bandwidth, llama.cpp | {fmt([x * batch1 / bw_mean if x else None for x in ll_tg], 3)} | |")
    print(f"| batch-1 decode, jamba-eval ÷ llama.cpp | {fmt(paired(('je', 'tg64'), ('llama', 'tg64')), 2)} | |")
    print(f"| batch-{batch} decode: jamba-eval bench's own util. (bytes its steps had to read, routed experts only, per s ÷ sgemv just before and after; bench JSON from e356dd5 on) | {fmt(vals(('je-util', b8)), 3)} | ≥ 0.85 |")
    print(f"| batch-{batch} bandwidth limit, all experts read (t/s) | {limit8:.1f} | |")
    print(f"| batch-{batch} decode ÷ that limit (bandwidth of the same invocation), jamba-eval | {fmt([x * all_experts / (batch * b) if x and b else None for x, b in zip(je_b8, bw_b8)], 3)} | ≥ 0.85 |")
    print(f"| batch-{batch} decode ÷ the limit at the highest bandwidth seen ({limit8max:.1f} t/s), jamba-eval | {fmt([x / limit8max if x else None for x in je_b8], 3)} | ≥ 0.85 |")
    print(f"| batch-{batch} decode ÷ that limit, llama.cpp | {fmt([x / limit8 if x else None for x in ll_b8], 3)} | |")
    print(f"| batch-{batch} decode ÷ the expected-experts limit ({limit8e:.1f} t/s), jamba-eval | {fmt([x / limit8e if x else None for x in je_b8], 3)} | |")
    print(f"| batch-{batch} decode, jamba-eval ÷ llama.cpp | {fmt(paired(('je', b8), ('llama', b8)), 2)} | ≥ 1.25 |")
    print(f"| jamba-eval batch {batch} ÷ its batch 1 | {fmt([x / y if x and y else None for x, y in zip(je_b8, je_tg)], 2)} | |")


if __name__ == "__main__":
    main()
