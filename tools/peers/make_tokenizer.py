#!/usr/bin/env python3
"""Write a minimal Llama-style BPE tokenizer (tokenizer.json + tokenizer_config.json) into a
checkpoint folder, sized to its config.json's vocab_size, so llama.cpp's convert_hf_to_gguf.py
accepts a folder written by `jamba-eval init`.

Benchmarks feed token ids directly, so the vocabulary's content does not matter; only its size
(the embedding and LM-head shapes) and the converter's format checks do: BPE with byte fallback,
a Sequence decoder, <unk>/<s>/</s> at ids 0/1/2, the 256 byte tokens, then filler pieces.

Usage: make_tokenizer.py CHECKPOINT_DIR   (needs the `tokenizers` package)
"""
import json
import sys
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers


def main() -> None:
    folder = Path(sys.argv[1])
    config = json.loads((folder / "config.json").read_text())
    size = int(config["vocab_size"])
    specials = ["<unk>", "<s>", "</s>"]
    pieces = specials + [f"<0x{b:02X}>" for b in range(256)]
    if size < len(pieces) + 1:
        sys.exit(f"vocab_size {size} is smaller than {len(pieces) + 1}")
    n = 0
    while len(pieces) < size:
        pieces.append(f"\u2581w{n}")
        n += 1
    vocab = {piece: i for i, piece in enumerate(pieces)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    tok.decoder = decoders.Sequence([
        decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0),
    ])
    tok.add_special_tokens(specials)
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast",
        "unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>",
        "add_bos_token": True, "add_eos_token": False,
    }, indent=2) + "\n")
    print(f"wrote {folder / 'tokenizer.json'} ({size} tokens)")


if __name__ == "__main__":
    main()
