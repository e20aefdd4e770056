"""Build the small tokenizer.json fixtures and record what the `tokenizers` package does with them.

For each fixture folder under Tests/Fixtures/tokenizers/<name>/ this writes
  tokenizer.json         built (and mostly trained) here with the `tokenizers` package
  tokenizer_config.json  the transformers-side settings the Swift loader also reads
  cases.json             for every test string: ids with and without special tokens and the
                         decoded text; plus decodes of arbitrary id lists (invalid UTF-8 bytes,
                         special tokens, ids past the vocabulary)
and Tests/Fixtures/tokenizers/variants.json: other components and options swapped into those
tokenizers (VARIANTS below) with their results on every other hand-written string.
The test strings themselves are committed in Tests/Fixtures/tokenizers/strings.json (hand-written
ones from STRINGS below plus seeded random ones), so the Swift tests read the same corpus.

    python make_fixtures.py [REPO_ROOT]
"""

import json
import os
import random
import sys

import tokenizers
from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models, normalizers,
                        pre_tokenizers, processors, trainers)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import english_text  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "..", "Tests", "Fixtures", "tokenizers")

# Hand-written strings: every category the issue names. Special-token spellings of all fixtures
# appear, so each tokenizer also sees spellings that are plain text to it.
STRINGS = [
    "",
    "Hello world",
    "Hello, world! How are you today?",
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure they've said it's John's, don't you think? We'll see; she'd know.",
    " leading space",
    "   three leading spaces",
    "trailing space ",
    "trailing spaces   ",
    "multiple   spaces    between     words",
    " ",
    "  ",
    "     ",
    "\n",
    "\n\n",
    "line one\nline two\n\nline four\n",
    "tab\tseparated\tvalues\t",
    "\tleading tab",
    "mixed \t \n whitespace\r\nwindows line\r\n",
    "Numbers: 0 1 12 123 1234 12345 3.14159 -42 1,000,000 2024-01-31",
    "007 and 2^10=1024, 99.9% of 10e-3",
    "Punctuation!!! ??? ... ,,, ;;; ::: --- ___ *** ### @@@ $$$ %%% ^^^ &&& (((",
    "a.b,c;d:e!f?g",
    "{\"key\": [1, 2, 3], 'x': (y)} <tag attr=\"v\"/> a->b && c||d != e",
    "def f(x):\n    return x ** 2  # comment\n",
    "café naïve résumé façade coöperate Ångström Zürich São Paulo piñata",
    "Crème brûlée à la carte, déjà vu, œuvre, Æsir, straße, ĳssel",
    "e\u0301 (e + combining acute) vs \u00e9 (precomposed)",
    "\uff21\uff22\uff23 fullwidth, \u2460 circled one, \ufb01 ligature, x\u00b2",
    "中文测试：你好，世界！",
    "日本語のテキストです。カタカナとひらがな。",
    "한국어 텍스트입니다",
    "Mixed 中文 and English 混合",
    "Emoji: 😀 😃 🎉 👍🏽 ❤️ 🇯🇵",
    "Family 👨‍👩‍👧‍👦 and flags 🏳️‍🌈",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 and 𐍈 gothic",
    "Ελληνικά κείμενα, русский текст, עברית, العربية, हिन्दी, ไทย",
    "zero\u200bwidth\u200cjoiners\u200d and nbsp\u00a0here, ideographic\u3000space",
    "line\u2028separator and next\u0085line",
    "control\u0001chars\u0007here\u007f",
    "replacement \ufffd char",
    "<s>",
    "</s>",
    "<s>Hello</s>",
    "<s> Hello </s>",
    "Hello<s>world</s>again",
    "<unk> unknown token spelled out",
    "<|endoftext|>",
    "text<|endoftext|>more text<|endoftext|>",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>   spaced   <|im_end|>   after",
    "[CLS] bert style [SEP] tokens [MASK] here [PAD]",
    "a <mask> b   <mask>c",
    "xyzzy plugh xyzzyxyzzy axyzzy",
    "<s><s></s></s>",
    "<<s>> <s/> </ s> <|endoftext",
    "__init__ snake_case camelCase PascalCase kebab-case SCREAMING_CASE",
    "https://example.com/path?query=1&x=y#frag user@example.org",
    "▁ already has a meta space ▁▁ twice",
    "ĠĊ byte-level look-alikes âĢ",
    "halfwidth ｳﾞﾋﾟ and ｶﾞ (NFKC composes them), ㌔ ℌ ¼",
    "<0x41> looks like a byte token",
    "a",
    "A",
    "?",
    "1",
    "😀",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "The Year 1066 Was Important. UPPER CASE SHOUTING!",
    "   \n  indented\n\t\tcode  \n",
]

# Pools for seeded random strings: they mix categories within one string, which hand-written
# strings rarely do, and reach boundaries (spaces next to special tokens, bytes next to CJK).
POOLS = [
    ["the", "and", "hello", "world", "Tokenizer", "running", "can't", "it's", "xyzzy", "I"],
    [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00a0", "\u3000"],
    ["0", "7", "42", "123", "2024", "3.14", "1,000", "-1", "99%"],
    [".", ",", "!", "?", "...", "'", "\"", "(", ")", "--", "@#$", "_", "/"],
    ["é", "ü", "ñ", "ç", "Å", "ø", "ß", "e\u0301", "œ", "Ł"],
    ["中", "文", "日本", "語", "한", "국", "テスト", "你好"],
    ["😀", "🎉", "👍🏽", "❤️", "🇫🇷", "👨‍👩‍👧", "𝔘", "✓", "€", "→"],
    ["<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "[CLS]", "[SEP]",
     "[UNK]", "<mask>", "<pad>"],
    ["Ελλάδα", "русский", "עברית", "عربى", "हिन्दी", "ไทย"],
]


def random_strings(n, seed=7):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 14)):
            pool = rng.choice(POOLS)
            parts.append(rng.choice(pool))
            if rng.random() < 0.4:
                parts.append(" ")
        out.append("".join(parts))
    return out


def training_text():
    """English from english_text plus some lines in other scripts, so merges exist for them."""
    extra = [
        "café naïve résumé façade déjà vu crème brûlée à la carte Zürich São Paulo Ångström",
        "Grüße aus München, schöne Straße, Mädchen, Über alles, Fußball",
        "Él está aquí, mañana será otro día, ¿qué pasa? ¡Olé! niño señor",
        "中文测试，你好世界，我们在这里学习中文。日本語のテキスト、ひらがなとカタカナ。",
        "Ελληνικά κείμενα και ρωσικά: русский текст для проверки токенизатора.",
    ]
    text = english_text.generate(400_000, seed=3)
    return text + "\n".join(extra * 40)


def bpe_parts(tok):
    """(vocab dict, merges list) of a trained BPE tokenizer, read back from its JSON."""
    model = json.loads(tok.to_str())["model"]
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    return model["vocab"], merges


def train_sentencepiece_bpe(vocab_size=900, lines=None):
    """SentencePiece-style BPE (like Llama, Mistral, Jamba): spaces become ▁ which starts a
    piece; ids 0-2 are <unk> <s> </s>, then the 256 byte pieces <0x00>..<0xFF>, then merges."""
    t = Tokenizer(models.BPE())
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  limit_alphabet=200)
    t.train_from_iterator(lines or training_text().split("\n"), trainer)
    trained_vocab, merges = bpe_parts(t)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for piece, _ in sorted(trained_vocab.items(), key=lambda kv: kv[1]):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    return vocab, merges


def sp_special_tokens(t, extra_flags):
    t.add_special_tokens([AddedToken(s, special=True, normalized=False)
                          for s in ["<unk>", "<s>", "</s>"]])
    t.add_special_tokens([AddedToken("<|im_start|>", special=True, normalized=False),
                          AddedToken("<|im_end|>", special=True, normalized=False,
                                     rstrip=extra_flags)])
    # Non-special added tokens: `normalized=True` ones are matched in the normalized text (for the
    # Prepend normalizer that means against "▁xyzzy"), `lstrip` eats the spaces on the left.
    t.add_tokens([AddedToken("<mask>", special=False, normalized=False, lstrip=True),
                  AddedToken("xyzzy", special=False, normalized=True, single_word=extra_flags)])


def sp_legacy(vocab, merges):
    """Llama-2 / Jamba layout: Prepend + Replace normalizer, no pre-tokenizer."""
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True,
                             byte_fallback=True))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    t.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(),
                                   decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    t.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                     special_tokens=[("<s>", 1)])
    sp_special_tokens(t, extra_flags=False)
    config = {"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
              "unk_token": "<unk>", "add_bos_token": True, "add_eos_token": False,
              "model_max_length": 262144}
    return t, config


def sp_metaspace(vocab, merges):
    """Mistral / newer Llama layout: Metaspace pre-tokenizer with prepend_scheme "first"."""
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True,
                             byte_fallback=True))
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first",
                                               split=False)
    t.decoder = decoders.Sequence([decoders.ByteFallback(),
                                   decoders.Metaspace(replacement="▁", prepend_scheme="first",
                                                      split=False),
                                   decoders.Fuse()])
    t.post_processor = processors.TemplateProcessing(single="<s> $A </s>",
                                                     pair="<s> $A </s> $B:1 </s>:1",
                                                     special_tokens=[("<s>", 1), ("</s>", 2)])
    sp_special_tokens(t, extra_flags=True)
    # No add_bos_token / add_eos_token: the post-processor above decides.
    config = {"tokenizer_class": "LlamaTokenizer", "bos_token": {"content": "<s>"},
              "eos_token": {"content": "</s>"}, "unk_token": "<unk>"}
    return t, config


def gpt2_bytelevel(vocab_size=1000, lines=None):
    t = Tokenizer(models.BPE())
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>"])
    t.train_from_iterator(lines or training_text().split("\n"), trainer)
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.ByteLevel(trim_offsets=True)
    t.add_special_tokens([AddedToken("<pad>", special=True, normalized=False)])
    config = {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>",
              "eos_token": "<|endoftext|>", "model_max_length": 1024}
    return t, config


def llama3_style(gpt2):
    """Byte-level BPE behind a Split regex (the Llama-3 pattern) and ByteLevel without its own
    regex; the model is the GPT-2 fixture's."""
    vocab, merges = bpe_parts(gpt2)
    vocab = dict(vocab)
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, ignore_merges=True))
    pattern = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
               r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    t.decoder = decoders.ByteLevel()
    t.add_special_tokens([AddedToken("<|begin_of_text|>", special=True, normalized=False),
                          AddedToken("<|end_of_text|>", special=True, normalized=False)])
    bos = t.token_to_id("<|begin_of_text|>")
    t.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A",
                                      pair="<|begin_of_text|> $A <|begin_of_text|>:1 $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)])])
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>",
              "eos_token": "<|end_of_text|>", "model_max_length": 131072}
    return t, config


def wordlevel():
    t = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    t.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase(),
                                         normalizers.Strip()])
    t.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(),
                                               pre_tokenizers.Digits(individual_digits=True)])
    trainer = trainers.WordLevelTrainer(vocab_size=1200, min_frequency=2, show_progress=False,
                                        special_tokens=["[UNK]", "[CLS]", "[SEP]", "[PAD]",
                                                        "[MASK]"])
    t.train_from_iterator(training_text().split("\n"), trainer)
    cls, sep = t.token_to_id("[CLS]"), t.token_to_id("[SEP]")
    t.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    # No decoder: `tokenizers` then joins the tokens with single spaces.
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]",
              "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
              "mask_token": "[MASK]"}
    return t, config


def unigram():
    """SentencePiece unigram (T5 family) with byte fallback: trained here, then the 256 byte
    pieces are appended. The normalizer collapses runs of spaces with a regex Replace."""
    t = Tokenizer(models.Unigram())
    t.normalizer = normalizers.Sequence([normalizers.Replace(Regex(" {2,}"), " "),
                                         normalizers.NFKC()])
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always",
                                               split=True)
    trainer = trainers.UnigramTrainer(vocab_size=700, show_progress=False, unk_token="<unk>",
                                      special_tokens=["<pad>", "</s>", "<unk>"])
    existing = os.path.join(OUT, "unigram", "tokenizer.json")
    if os.path.exists(existing):
        # The Unigram trainer is not reproducible (it walks hash maps), so a committed model is
        # kept and only its results are recorded again; delete the file to train a new one.
        model = json.loads(Tokenizer.from_file(existing).to_str())["model"]
        vocab = [tuple(v) for v in model["vocab"]]
    else:
        t.train_from_iterator(training_text().split("\n"), trainer)
        model = json.loads(t.to_str())["model"]
        vocab = [tuple(v) for v in model["vocab"]]
        vocab += [(f"<0x{b:02X}>", 0.0) for b in range(256)]
    u = Tokenizer(models.Unigram(vocab, unk_id=model["unk_id"], byte_fallback=True))
    u.normalizer = t.normalizer
    u.pre_tokenizer = t.pre_tokenizer
    u.decoder = decoders.Sequence([decoders.ByteFallback(),
                                   decoders.Metaspace(replacement="▁", prepend_scheme="always",
                                                      split=True),
                                   decoders.Fuse()])
    u.add_special_tokens([AddedToken(s, special=True, normalized=False)
                          for s in ["<pad>", "</s>", "<unk>"]])
    u.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                     special_tokens=[("</s>", 1)])
    config = {"tokenizer_class": "T5Tokenizer", "eos_token": "</s>", "unk_token": "<unk>",
              "pad_token": "<pad>"}
    return u, config


def byte_level_after(pre):
    """A pre-tokenizer followed by ByteLevel without its regex (byte-level models need it)."""
    return pre_tokenizers.Sequence([pre, pre_tokenizers.ByteLevel(add_prefix_space=False,
                                                                  use_regex=False)])


# Component variants on top of a committed fixture: (name, base fixture, {part: component}).
# Each is recorded in variants.json as the JSON of the replaced parts plus the results, so the
# Swift test swaps the same parts into the base tokenizer.json. They cover the pieces and options
# that the six fixtures do not.
VARIANTS = [
    ("bytelevel_prefix_space", "gpt2_bytelevel",
     {"pre_tokenizer": pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
      "post_processor": processors.RobertaProcessing(("<|endoftext|>", 0), ("<pad>", 1000))}),
    ("split_removed_whitespace", "gpt2_bytelevel",
     {"pre_tokenizer": byte_level_after(pre_tokenizers.Split(Regex(r"\s+"), "removed"))}),
    ("split_merged_previous_string", "gpt2_bytelevel",
     {"pre_tokenizer": byte_level_after(pre_tokenizers.Split(" ", "merged_with_previous")),
      "post_processor": processors.BertProcessing(("<pad>", 1000), ("<|endoftext|>", 0))}),
    ("split_merged_next_inverted", "gpt2_bytelevel",
     {"pre_tokenizer": byte_level_after(pre_tokenizers.Split(Regex(r"[aeiou]+"), "merged_with_next",
                                                             invert=True))}),
    ("split_contiguous_digits_regex", "gpt2_bytelevel",
     {"pre_tokenizer": byte_level_after(pre_tokenizers.Split(Regex(r"\d|\w"), "contiguous"))}),
    ("whitespace_split_punctuation", "gpt2_bytelevel",
     {"pre_tokenizer": byte_level_after(pre_tokenizers.Sequence([
         pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation("isolated"),
         pre_tokenizers.Digits(individual_digits=False)]))}),
    ("bert_normalizer_pre_tokenizer", "gpt2_bytelevel",
     {"normalizer": normalizers.BertNormalizer(lowercase=True),
      "pre_tokenizer": byte_level_after(pre_tokenizers.BertPreTokenizer())}),
    ("nfc_lowercase_left_strip", "gpt2_bytelevel",
     {"normalizer": normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase(),
                                          normalizers.Strip(left=True, right=False)])}),
    ("nfd_strip_accents_char_delimiter", "gpt2_bytelevel",
     {"normalizer": normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents()]),
      "pre_tokenizer": byte_level_after(pre_tokenizers.CharDelimiterSplit("e"))}),
    ("nfkd_punctuation_merged", "gpt2_bytelevel",
     {"normalizer": normalizers.NFKD(),
      "pre_tokenizer": byte_level_after(pre_tokenizers.Punctuation("merged_with_next"))}),
    ("metaspace_always_split", "sp_bpe_legacy",
     {"normalizer": None,
      "pre_tokenizer": pre_tokenizers.Metaspace(prepend_scheme="always", split=True),
      "decoder": decoders.Sequence([decoders.ByteFallback(),
                                    decoders.Metaspace(prepend_scheme="always", split=True),
                                    decoders.Fuse()])}),
    ("metaspace_never_regex_decoder", "sp_bpe_legacy",
     {"normalizer": None,
      "pre_tokenizer": pre_tokenizers.Metaspace(prepend_scheme="never", split=True),
      "decoder": decoders.Sequence([decoders.Replace(Regex("▁+"), " "), decoders.ByteFallback(),
                                    decoders.Fuse(), decoders.Strip(" ", 1, 0)])}),
    ("wordpiece_decoder", "wordlevel",
     {"decoder": decoders.WordPiece(prefix="##", cleanup=True)}),
    ("bert_wordpiece", "wordlevel",
     {"model": "wordpiece", "normalizer": normalizers.BertNormalizer(lowercase=True),
      "pre_tokenizer": pre_tokenizers.BertPreTokenizer(),
      "decoder": decoders.WordPiece(prefix="##", cleanup=True),
      "post_processor": processors.BertProcessing(("[SEP]", 2), ("[CLS]", 1))}),
    ("bpe_decoder_lowercase", "wordlevel",
     {"normalizer": normalizers.Lowercase(), "decoder": decoders.BPEDecoder(suffix="e")}),
]


def wordpiece_model():
    """WordPiece over the WordLevel fixture's words plus single characters and ## pieces."""
    vocab = json.loads(Tokenizer.from_file(os.path.join(OUT, "wordlevel", "tokenizer.json"))
                       .to_str())["model"]["vocab"]
    pieces = list("abcdefghijklmnopqrstuvwxyz0123456789") + ["ing", "ed", "er", "s", "ly", "'", "##"]
    for piece in pieces + ["##" + p for p in pieces]:
        vocab.setdefault(piece, len(vocab))
    return models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=12)


def variant_parts(base_path, parts):
    t = Tokenizer.from_file(base_path)
    for key, component in parts.items():
        setattr(t, key, wordpiece_model() if component == "wordpiece" else component)
    doc = json.loads(t.to_str())
    return t, {key: doc[key] for key in parts}


def record_variants(strings):
    out = []
    for name, base, parts in VARIANTS:
        t, override = variant_parts(os.path.join(OUT, base, "tokenizer.json"), parts)
        cases = []
        for s in strings:
            ids = t.encode(s, add_special_tokens=True).ids
            plain = t.encode(s, add_special_tokens=False).ids
            cases.append({"text": s, "ids": ids, "ids_plain": plain,
                          "decoded": t.decode(plain, skip_special_tokens=False),
                          "decoded_skip_special": t.decode(ids, skip_special_tokens=True)})
        out.append({"name": name, "base": base, "override": override, "cases": cases})
    with open(os.path.join(OUT, "variants.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizers_version": tokenizers.__version__, "variants": out}, f,
                  ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"variants: {len(out)} x {len(strings)} strings")


def id_lists(t, n, seed):
    """Arbitrary id lists for decode: random ids, runs of byte tokens (often invalid UTF-8),
    special tokens, and ids past the vocabulary (which `tokenizers` skips)."""
    rng = random.Random(seed)
    size = t.get_vocab_size(with_added_tokens=True)
    byte_ids = [t.token_to_id(f"<0x{b:02X}>") for b in range(256)]
    byte_ids = [i for i in byte_ids if i is not None]
    out = []
    for k in range(n):
        ids = []
        for _ in range(rng.randint(0, 12)):
            r = rng.random()
            if r < 0.2 and byte_ids:
                ids.append(rng.choice(byte_ids))
            elif r < 0.3:
                ids.append(size - 1 - rng.randrange(min(size, 6)))
            elif r < 0.33:
                ids.append(size + rng.randrange(5))
            else:
                ids.append(rng.randrange(size))
        out.append(ids)
    if byte_ids:
        # UTF-8 of "é€😀" spelled in byte tokens, then a truncated and a stray continuation byte.
        b = [t.token_to_id(f"<0x{x:02X}>") for x in "é€😀".encode()]
        out += [b, b[:-1], [t.token_to_id("<0x80>")] + b[:2]]
    return out


def record(name, t, config, strings):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    t.save(os.path.join(folder, "tokenizer.json"), pretty=False)
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)
    # Record what a fresh load of the saved file does: that is what Swift reads.
    t = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    cases = []
    for s in strings:
        with_special = t.encode(s, add_special_tokens=True).ids
        plain = t.encode(s, add_special_tokens=False).ids
        cases.append({
            "text": s,
            "ids": with_special,
            "ids_plain": plain,
            "decoded": t.decode(plain, skip_special_tokens=False),
            "decoded_skip_special": t.decode(with_special, skip_special_tokens=True),
        })
    decodes = []
    for ids in id_lists(t, 30, seed=len(name)):
        decodes.append({"ids": ids,
                        "text": t.decode(ids, skip_special_tokens=False),
                        "text_skip_special": t.decode(ids, skip_special_tokens=True)})
    doc = {"tokenizers_version": tokenizers.__version__,
           "vocab_size": t.get_vocab_size(with_added_tokens=True),
           "cases": cases, "decodes": decodes}
    with open(os.path.join(folder, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: vocab {doc['vocab_size']}, {len(cases)} strings, {len(decodes)} decodes")


def main():
    global OUT
    if len(sys.argv) > 1:
        OUT = os.path.join(sys.argv[1], "Tests", "Fixtures", "tokenizers")
    os.makedirs(OUT, exist_ok=True)
    strings = STRINGS + random_strings(80)
    with open(os.path.join(OUT, "strings.json"), "w", encoding="utf-8") as f:
        json.dump(strings, f, ensure_ascii=False, indent=0)
        f.write("\n")
    vocab, merges = train_sentencepiece_bpe()
    record("sp_bpe_legacy", *sp_legacy(vocab, merges), strings)
    record("sp_bpe_metaspace", *sp_metaspace(vocab, merges), strings)
    gpt2, gpt2_config = gpt2_bytelevel()
    record("gpt2_bytelevel", gpt2, gpt2_config, strings)
    record("llama3_bytelevel_split", *llama3_style(gpt2), strings)
    record("wordlevel", *wordlevel(), strings)
    record("unigram", *unigram(), strings)
    record_variants(STRINGS[::2])


if __name__ == "__main__":
    main()
