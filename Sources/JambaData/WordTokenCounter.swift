/// A tokenizer-free stand-in: every run of letters or digits is one token and every other
/// non-blank character is one token of its own. It is close to a word-level tokenizer, roughly
/// additive across sentences like BPE, and needs no model files, so tests and quick datasets can
/// be made without one. Real suites size records with the model's tokenizer.
public struct WordTokenCounter: TokenCounter {
    public init() {}

    public func count(_ text: String) -> Int {
        var n = 0
        var inWord = false
        for b in text.utf8 {
            let isWordByte = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b >= 0x80
            if isWordByte {
                if !inWord { n += 1; inWord = true }
            } else {
                inWord = false
                if !(b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D) { n += 1 }
            }
        }
        return n
    }
}
