import Foundation

/// What the tokenizer.json fuzz target runs on each input (tools/fuzz, `make fuzz`) and the
/// corpus replay test on every committed input. Errors are expected; a trap is the finding.
public enum TokenizerFuzz {
    /// A tokenizer.json. When it loads, it must encode and decode text with specials, emoji,
    /// combining marks and ids outside its vocabulary without trapping.
    public static func tokenizerJSON(_ bytes: UnsafeRawBufferPointer) {
        guard let t = try? PretrainedTokenizer(tokenizerJSON: Data(bytes)) else { return }
        for text in ["", "Hello wörld 😀 <s> [CLS] 12", "  e\u{301}\u{301}\t\n\u{0}x", String(repeating: "ab ", count: 40)] {
            let ids = t.encode(text, addSpecialTokens: true)
            _ = t.decode(ids + [-1, t.vocabularySize, 1 << 40], skipSpecialTokens: false)
            _ = t.decode(ids, skipSpecialTokens: true)
        }
    }
}
