"""Record the Unicode data that the `tokenizers` package actually uses, for every code point.

1. Character classes. tokenizers matches its regexes with Oniguruma (\\p{L}, \\p{N}, \\s in the
   GPT-2 / Llama-3 patterns) and its Whitespace pre-tokenizer and single_word added tokens with
   Rust's regex crate (\\w there is Alphabetic | Mark | Nd | Pc | Join_Control). Written to
   Sources/JambaTokenizers/UnicodeTables.swift and Tests/Fixtures/tokenizers/unicode_classes.json.
2. Normalization data for NFC / NFD / NFKC / NFKD (Sources/JambaTokenizers/NormalizationTables.swift):
   the full decomposition of every code point as tokenizers' own NFD / NFKD produce it, the
   canonical combining classes it sorts by, and the pairs its NFC composes. tokenizers carries an
   older Unicode than Python's unicodedata or Swift, so the data is read off tokenizers itself;
   unicodedata only proposes candidates (classes, composition pairs) that tokenizers then confirms.
   Test strings with tokenizers' four normal forms go to Tests/Fixtures/tokenizers/normalization.json.

    python unicode_tables.py [REPO_ROOT]
"""

import json
import os
import random
import sys
import unicodedata

import tokenizers
from tokenizers import Regex, normalizers, pre_tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.abspath(os.path.join(HERE, "..", "..", ".."))
POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def oniguruma_members(pattern):
    # invert=True with "removed" drops what does not match and keeps the matches.
    split = pre_tokenizers.Split(Regex(pattern), behavior="removed", invert=True)
    found = set()
    for piece, _ in split.pre_tokenize_str("".join(chr(c) for c in POINTS)):
        found.update(ord(c) for c in piece)
    return found


def rust_word_members():
    # Whitespace pre-tokenizer (\w+|[^\w\s]+ in Rust's regex) over "a" + c, one unit per code point
    # separated by spaces: "ac" stays one piece exactly when c is a word character.
    text = " ".join("a" + chr(c) for c in POINTS)
    starts = {start for piece, (start, end) in pre_tokenizers.Whitespace().pre_tokenize_str(text)
              if end - start == 2 and piece[0] == "a"}
    return {c for i, c in enumerate(POINTS) if 3 * i in starts}


def isolated_members(pre_tokenizer):
    """Code points that `pre_tokenizer` cuts out of "a<c>a" as a piece of their own."""
    text = "".join("a" + chr(c) for c in POINTS) + "a"
    return {ord(piece) for piece, _ in pre_tokenizer.pre_tokenize_str(text)
            if len(piece) == 1 and piece != "a"}


def whitespace_split_members():
    """Rust's char::is_whitespace, seen through WhitespaceSplit: "a<c>a" falls in two."""
    split = pre_tokenizers.WhitespaceSplit()
    found = set()
    for c in POINTS:
        if len(split.pre_tokenize_str("a" + chr(c) + "a")) == 2:
            found.add(c)
    return found


def removed_by(normalizer):
    """Code points that `normalizer` deletes outright."""
    return {c for c in POINTS if normalizer.normalize_str(chr(c)) == ""}


def ranges(points):
    out = []
    for p in sorted(points):
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


def swift_string(rs):
    return ",".join(f"{a:X}" if a == b else f"{a:X}-{b:X}" for a, b in rs)


HANGUL = range(0xAC00, 0xD7A4)  # decomposed and composed by formula, not by table


def hexes(text):
    return " ".join(f"{ord(c):X}" for c in text)


def normalization_tables():
    nfd, nfkd, nfc = normalizers.NFD(), normalizers.NFKD(), normalizers.NFC()
    canonical, compatibility = [], []
    for c in POINTS:
        if c in HANGUL:
            continue
        ch = chr(c)
        d, k = nfd.normalize_str(ch), nfkd.normalize_str(ch)
        if d != ch:
            canonical.append(f"{c:X}={hexes(d)}")
        if k != d:
            compatibility.append(f"{c:X}={hexes(k)}")

    # Combining classes: unicodedata's value for marks that tokenizers also treats as non-starters
    # (one of two probes reorders around them); marks newer than tokenizers' data stay 0.
    low, high = "\u0334", "\u0345"  # classes 1 and 240
    classes = {}
    for c in POINTS:
        value = unicodedata.combining(chr(c))
        if value == 0:
            continue
        m = chr(c)
        moved = (nfd.normalize_str("a" + m + low) != "a" + m + low
                 or nfd.normalize_str("a" + high + m) != "a" + high + m)
        if moved:
            classes[c] = value
    runs = []
    for c in sorted(classes):
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == classes[c]:
            runs[-1][1] = c
        else:
            runs.append([c, c, classes[c]])
    class_text = ",".join((f"{a:X}" if a == b else f"{a:X}-{b:X}") + f"={v}" for a, b, v in runs)

    # Composition pairs: one-step canonical decompositions into two characters that tokenizers'
    # NFC puts back together.
    pairs = []
    for c in POINTS:
        if c in HANGUL:
            continue
        mapping = unicodedata.decomposition(chr(c))
        if not mapping or mapping.startswith("<"):
            continue
        parts = [int(x, 16) for x in mapping.split()]
        if len(parts) == 2 and nfc.normalize_str(chr(parts[0]) + chr(parts[1])) == chr(c):
            pairs.append(f"{parts[0]:X} {parts[1]:X}={c:X}")
    print("canonical", len(canonical), "compatibility", len(compatibility), "classes", len(runs),
          "pairs", len(pairs))
    return ";".join(canonical), ";".join(compatibility), class_text, ";".join(pairs)


def normalization_cases():
    """Strings that exercise reordering and composition, with tokenizers' four normal forms."""
    rng = random.Random(5)
    marks = [c for c in POINTS if unicodedata.combining(chr(c))]
    decomposable = [c for c in POINTS if unicodedata.decomposition(chr(c))]
    pool = ([chr(c) for c in range(0x41, 0x7B)] + ["\u1100", "\u1161", "\u11A8", "\uAC00", "\u0F73"]
            + [chr(c) for c in rng.sample(decomposable, 400)])
    cases = []
    for _ in range(400):
        s = ""
        for _ in range(rng.randint(1, 6)):
            s += rng.choice(pool)
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                s += chr(rng.choice(marks))
        cases.append(s)
    forms = {name: getattr(normalizers, name)() for name in ["NFC", "NFD", "NFKC", "NFKD"]}
    return [{"text": s, **{name: n.normalize_str(s) for name, n in forms.items()}} for s in cases]


def main():
    classes = {
        "letter": ranges(oniguruma_members(r"\p{L}")),
        "number": ranges(oniguruma_members(r"\p{N}")),
        "whitespace": ranges(oniguruma_members(r"\s")),
        "word": ranges(rust_word_members()),
        # Oniguruma \\w and \\d, for Split patterns run through ICU (RegexMatcher).
        "onig_word": ranges(oniguruma_members(r"\w")),
        "onig_digit": ranges(oniguruma_members(r"\d")),
        # Rust char methods and tokenizers' own helpers, each seen through the component using it.
        "rust_whitespace": ranges(whitespace_split_members()),
        "rust_numeric": ranges(isolated_members(pre_tokenizers.Digits(individual_digits=True))),
        "punctuation": ranges(isolated_members(pre_tokenizers.Punctuation("isolated"))),
        "mark": ranges(removed_by(normalizers.StripAccents())),
        "nonspacing_mark": ranges(removed_by(normalizers.BertNormalizer(
            clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False))),
        "bert_control": ranges(removed_by(normalizers.BertNormalizer(
            clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False))),
    }
    for name, rs in classes.items():
        print(name, len(rs), "ranges")
    doc = {"tokenizers_version": tokenizers.__version__, **classes}
    with open(os.path.join(ROOT, "Tests", "Fixtures", "tokenizers", "unicode_classes.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    lines = [
        "// Generated by tools/reference/tokenizers/unicode_classes.py from the `tokenizers` package",
        f"// {tokenizers.__version__}; do not edit. Code point ranges (hex, inclusive) of the classes",
        "// that package uses: Oniguruma's \\p{L}, \\p{N}, \\s, \\w, \\d; the Rust regex crate's \\w; Rust's",
        "// char::is_whitespace and char::is_numeric; tokenizers' punctuation test; the marks that",
        "// StripAccents (all) and BertNormalizer (nonspacing) drop; what BertNormalizer's clean_text drops.",
        "enum UnicodeTables {",
    ]
    for name, rs in classes.items():
        camel = name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:])
        lines.append(f"    static let {camel} = \"{swift_string(rs)}\"")
    lines.append("}")
    with open(os.path.join(ROOT, "Sources", "JambaTokenizers", "UnicodeTables.swift"), "w") as f:
        f.write("\n".join(lines) + "\n")

    canonical, compatibility, classes_text, pairs = normalization_tables()
    lines = [
        "// Generated by tools/reference/tokenizers/unicode_tables.py from the `tokenizers` package",
        f"// {tokenizers.__version__}; do not edit. Hex code points. Decompositions are full (already",
        "// recursive) as tokenizers' NFD / NFKD give them; `compatibility` lists only the characters",
        "// whose NFKD differs from their NFD. Hangul syllables are left to the formula.",
        "enum NormalizationTables {",
        f"    static let canonical = \"{canonical}\"",
        f"    static let compatibility = \"{compatibility}\"",
        f"    static let combiningClasses = \"{classes_text}\"",
        f"    static let compositions = \"{pairs}\"",
        "}",
    ]
    with open(os.path.join(ROOT, "Sources", "JambaTokenizers", "NormalizationTables.swift"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(ROOT, "Tests", "Fixtures", "tokenizers", "normalization.json"), "w") as f:
        json.dump({"tokenizers_version": tokenizers.__version__, "cases": normalization_cases()},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
