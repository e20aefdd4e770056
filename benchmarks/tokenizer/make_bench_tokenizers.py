"""Larger tokenizers for the benchmark (not committed): the fixture layouts of
tools/reference/tokenizers/make_fixtures.py trained to realistic vocabulary sizes on generated
English (a different seed from the benchmark text).

    python make_bench_tokenizers.py OUT_DIR
writes OUT_DIR/sp_bpe_32k (Jamba / Llama-2 layout, byte fallback) and OUT_DIR/gpt2_32k.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "reference", "tokenizers"))
import english_text  # noqa: E402
import make_fixtures  # noqa: E402


def main():
    out = sys.argv[1]
    lines = english_text.generate(30_000_000, seed=5).split("\n")
    vocab, merges = make_fixtures.train_sentencepiece_bpe(vocab_size=32000, lines=lines)
    for name, (tok, config) in [("sp_bpe_32k", make_fixtures.sp_legacy(vocab, merges)),
                                ("gpt2_32k", make_fixtures.gpt2_bytelevel(32000, lines))]:
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        tok.save(os.path.join(folder, "tokenizer.json"))
        print(name, tok.get_vocab_size(with_added_tokens=True), "tokens")


if __name__ == "__main__":
    main()
