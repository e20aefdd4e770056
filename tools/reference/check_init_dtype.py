"""Checks that transformers loads a folder written by `jamba-eval init --dtype bf16|f16` and that its
float32 forward of the stored weights matches `jamba-eval forward` on the same folder (issue 16).

    jamba-eval init --config Tests/Fixtures/hybrid/config.json --seed 3 --out DIR --dtype bf16
    jamba-eval forward DIR --ids 1,2,3,4,5,6,7,8,9,10,11,12 --out ours.npy
    python tools/reference/check_init_dtype.py DIR ours.npy

Needs torch and transformers (tools/reference/requirements.txt); CI never runs it.
"""
import sys

import numpy as np
import torch
from transformers import AutoModelForCausalLM


def main(folder: str, ours_path: str) -> int:
    torch.set_num_threads(1)
    stored = AutoModelForCausalLM.from_pretrained(folder)  # dtype from config.json
    print("loaded", type(stored).__name__, "parameters in", next(stored.parameters()).dtype)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    ours = np.load(ours_path)[0]
    ids = torch.arange(1, ours.shape[0] + 1)[None]
    with torch.no_grad():
        ref = model(ids).logits[0].numpy()
    diff, scale = float(np.abs(ours - ref).max()), float(np.abs(ref).max())
    print(f"max |jamba-eval - transformers(float32 of the stored weights)| = {diff:.3g} of max {scale:.3g}")
    return 0 if diff <= 1e-5 * scale else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
