/// One llama-bench-style throughput test.
public enum BenchTest: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Prefill N tokens from an empty state ("pp N").
    case prefill(tokens: Int)
    /// Decode N tokens one at a time after a D-token context ("tg N", "tg N @ d D").
    case decode(tokens: Int, depth: Int)

    public var description: String {
        switch self {
        case .prefill(let n): return "pp\(n)"
        case .decode(let n, 0): return "tg\(n)"
        case .decode(let n, let d): return "tg\(n) @ d\(d)"
        }
    }

    /// Tokens the timed part processes.
    public var tokens: Int {
        switch self {
        case .prefill(let n), .decode(let n, _): return n
        }
    }
}
