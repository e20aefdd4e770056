/// The allowed range of every count a user gives (suite fields, record fields, command options).
/// Each is checked where it is parsed, so a typo like 1e9 or a negative number stops with a message
/// naming the field and this range, instead of an overflow trap or an allocation failure hours
/// into a run. The caps are far above anything a CPU evaluation does and low enough that
/// prompt + max_new_tokens and the buffers sized from them cannot overflow.
public enum Limits {
    /// Engine and OpenBLAS threads.
    public static let threads = 1...256
    /// Context lengths, prefill lengths and decode depths, in tokens (16M).
    public static let contextTokens = 1...(1 << 24)
    /// New tokens to generate per sequence (1M).
    public static let newTokens = 1...(1 << 20)
    /// Sequences per batch.
    public static let batch = 1...4096
    /// Benchmark repetitions.
    public static let repeats = 1...1000
    /// Prefill chunk, tokens per forward.
    public static let chunk = 1...(1 << 20)
    /// Prompt tokens scheduled into one batch of requests.
    public static let batchTokens = 1...(1 << 30)

    /// "1…256" as messages write a range.
    public static func text(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)…\(r.upperBound)" }

    /// nil when `value` is in `range`, else the reason ("must be in 1…256, got 99999").
    public static func problem(_ value: Int, _ range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "must be in \(text(range)), got \(value)"
    }
}
