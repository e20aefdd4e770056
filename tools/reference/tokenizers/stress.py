"""A larger, throwaway differential check: many seeded random strings through every fixture
tokenizer, written as <name>.json (the cases.json format) into OUT_DIR. Not committed; the Swift
tests compare against it when TOKENIZER_STRESS_DIR=OUT_DIR is set.

    python stress.py OUT_DIR [COUNT] [SEED]
    python stress.py OUT_DIR --lines TEXT_FILE [COUNT]   (lines of a file instead, e.g. the
                                                       benchmark text, when checksums differ)
"""

import json
import os
import random
import sys

import tokenizers
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.abspath(os.path.join(HERE, "..", "..", "..", "Tests", "Fixtures", "tokenizers"))

SPECIALS = ["<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "[CLS]",
            "[SEP]", "[UNK]", "[MASK]", "<mask>", "<pad>", "xyzzy", "<|begin_of_text|>"]
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
SPACES = [" ", "  ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\xa0", "\u1680", "\u2000",
          "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\u200d", "\ufeff"]
BLOCKS = [(0x80, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x900, 0x97F),
          (0xE00, 0xE7F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x2100, 0x22FF), (0x2460, 0x24FF),
          (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0xFF00, 0xFFEF), (0x1F300, 0x1F6FF),
          (0x1D400, 0x1D7FF), (0x10000, 0x1007F), (0xE0000, 0xE007F), (0x300, 0x36F),
          (0x1F1E6, 0x1F1FF), (0xFE00, 0xFE0F), (0x2581, 0x2581), (0x100, 0x17F)]
WORDS = ["the", "and", "hello", "world", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL",
         "don't", "I'm", "running", "Tokenizer", "1234567", "3.14", "▁", "▁▁", "<0x41>", "Ġ",
         "café", "naïve", "中文", "日本語", "😀", "👨\u200d👩\u200d👧", "a\u0301", "ﬁ", "Ⅻ", "²"]


def random_string(rng):
    parts = []
    for _ in range(rng.randint(0, 25)):
        r = rng.random()
        if r < 0.3:
            parts.append("".join(rng.choice(ASCII) for _ in range(rng.randint(1, 8))))
        elif r < 0.45:
            parts.append(rng.choice(SPACES) * rng.randint(1, 3))
        elif r < 0.6:
            lo, hi = rng.choice(BLOCKS)
            parts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(1, 4))))
        elif r < 0.7:
            parts.append(rng.choice(SPECIALS))
        else:
            parts.append(rng.choice(WORDS))
    return "".join(parts)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if len(sys.argv) > 3 and sys.argv[2] == "--lines":
        with open(sys.argv[3], encoding="utf-8", newline="") as f:
            strings = f.read().splitlines(keepends=True)
        strings = strings[:int(sys.argv[4])] if len(sys.argv) > 4 else strings
    else:
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
        seed = int(sys.argv[3]) if len(sys.argv) > 3 else 11
        rng = random.Random(seed)
        strings = [random_string(rng) for _ in range(count)]
    for name in sorted(os.listdir(FIXTURES)):
        path = os.path.join(FIXTURES, name, "tokenizer.json")
        if not os.path.exists(path):
            continue
        t = Tokenizer.from_file(path)
        cases = []
        for s in strings:
            ids = t.encode(s, add_special_tokens=True).ids
            plain = t.encode(s, add_special_tokens=False).ids
            cases.append({"text": s, "ids": ids, "ids_plain": plain,
                          "decoded": t.decode(plain, skip_special_tokens=False),
                          "decoded_skip_special": t.decode(ids, skip_special_tokens=True)})
        doc = {"tokenizers_version": tokenizers.__version__,
               "vocab_size": t.get_vocab_size(with_added_tokens=True), "cases": cases, "decodes": []}
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        print(name, len(cases))
    # The component variants of make_fixtures.py too, in the layout of variants.json.
    sys.path.insert(0, HERE)
    import make_fixtures
    variants = []
    for name, base, parts in make_fixtures.VARIANTS:
        t, override = make_fixtures.variant_parts(os.path.join(FIXTURES, base, "tokenizer.json"), parts)
        cases = []
        for s in strings:
            ids = t.encode(s, add_special_tokens=True).ids
            plain = t.encode(s, add_special_tokens=False).ids
            cases.append({"text": s, "ids": ids, "ids_plain": plain,
                          "decoded": t.decode(plain, skip_special_tokens=False),
                          "decoded_skip_special": t.decode(ids, skip_special_tokens=True)})
        variants.append({"name": name, "base": base, "override": override, "cases": cases})
    with open(os.path.join(out, "variants.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizers_version": tokenizers.__version__, "variants": variants}, f,
                  ensure_ascii=False)
    print("variants", len(variants))


if __name__ == "__main__":
    main()
