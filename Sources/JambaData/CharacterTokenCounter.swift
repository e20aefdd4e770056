/// Counts ⌈UTF-8 bytes / bytesPerToken⌉: a crude byte-pair-like rate (≈ 4 bytes per token for
/// English BPE). It is deliberately not additive — the count of a joined text differs from the sum
/// of its parts — which exercises the generators' final re-count against the whole prompt.
public struct CharacterTokenCounter: TokenCounter {
    public let bytesPerToken: Int
    public init(bytesPerToken: Int = 4) { self.bytesPerToken = max(1, bytesPerToken) }
    public func count(_ text: String) -> Int { (text.utf8.count + bytesPerToken - 1) / bytesPerToken }
}
