"""Encode speed of the Python `tokenizers` package on one thread, the reference half of
benchmarks/tokenizer/README.md.

    RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false python bench_python.py MODEL_FOLDER TEXT_FILE [--whole] [--repeat N]

Encodes TEXT_FILE line by line (each line with its "\\n", without special tokens) with
encode_batch (one thread) and, for comparison, a plain loop of encode calls; prints the best of N
runs as MB/s and tokens/s and the same id checksum as the Swift benchmark.
"""

import os
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tokenizers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def checksum(encodings):
    total, s = 0, 0
    mask = (1 << 64) - 1
    for e in encodings:
        ids = e.ids
        total += len(ids)
        for i in ids:
            s = (s * 31 + i) & mask
    return total, s


def main():
    args = sys.argv[1:]
    whole = "--whole" in args
    if whole:
        args.remove("--whole")
    repeats = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeats = int(args[i + 1])
        del args[i:i + 2]
    folder, path = args
    t0 = time.perf_counter()
    tok = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    load = time.perf_counter() - t0
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    size = len(text.encode()) / 1e6
    lines = [text] if whole else text.splitlines(keepends=True)

    best_batch = best_loop = float("inf")
    encodings = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        encodings = tok.encode_batch(lines, add_special_tokens=False)
        best_batch = min(best_batch, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for line in lines:
            tok.encode(line, add_special_tokens=False)
        best_loop = min(best_loop, time.perf_counter() - t0)
    tokens, s = checksum(encodings)
    print(f"python {folder}  {size:.2f} MB  {len(lines)} lines  {tokens} tokens  checksum {s}"
          f"  (tokenizers {tokenizers.__version__}, RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']})")
    print(f"python load {load:.3f} s  encode_batch best of {repeats}: {best_batch:.3f} s"
          f"  {size / best_batch:.2f} MB/s  {tokens / best_batch:.0f} tokens/s")
    print(f"python load {load:.3f} s  encode loop  best of {repeats}: {best_loop:.3f} s"
          f"  {size / best_loop:.2f} MB/s  {tokens / best_loop:.0f} tokens/s")


if __name__ == "__main__":
    main()
