/// How generators measure text in tokens. JambaData does not depend on a tokenizer module: the
/// caller wraps whichever tokenizer the model uses, e.g.
///
///     ClosureTokenCounter { tokenizer.encode($0, addSpecialTokens: false).count }
///
/// Counts must be of the text alone (no BOS/EOS): the engine adds special tokens itself.
public protocol TokenCounter {
    func count(_ text: String) -> Int
}

/// A TokenCounter from a closure.
public struct ClosureTokenCounter: TokenCounter {
    private let body: (String) -> Int
    public init(_ body: @escaping (String) -> Int) { self.body = body }
    public func count(_ text: String) -> Int { body(text) }
}
