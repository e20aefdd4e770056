import Foundation

/// Memory of one model: the state one sequence needs at each context length of the run (exact,
/// from the layer sizes), the process's measured peak resident set while the model ran, and the
/// longest context one sequence could hold on this machine.
public struct MemoryUsage: Codable, Sendable, Equatable {
    public struct AtContext: Codable, Sendable, Equatable {
        public var context: Int
        public var bytes: Int
    }

    public var model: String
    /// Absent when the runner could not measure it.
    public var peakRSSBytes: Int?
    /// Ascending context: every sample length and throughput context of the run.
    public var stateBytes: [AtContext]
    /// The weights as the engine holds them (Float32). Optional only so results.json files written
    /// before it existed still load.
    public var weightBytes: Int?
    /// The largest context whose weights + state of one sequence fit in the machine's memory
    /// (RunEnvironment.memoryBytes). Absent when the state does not grow with context (no
    /// attention layer, or a sliding window) or the machine's memory is unknown.
    public var maxContextTokens: Int?

    public init(model: String, peakRSSBytes: Int?, stateBytes: [AtContext], weightBytes: Int?, maxContextTokens: Int?) {
        self.model = model; self.peakRSSBytes = peakRSSBytes; self.stateBytes = stateBytes
        self.weightBytes = weightBytes; self.maxContextTokens = maxContextTokens
    }

    /// Leaves the prefill scratch out: it is sized by the prefill chunk, not by the context.
    public static func maxContext(_ m: ModelInfo, memoryBytes: Int?) -> Int? {
        guard let memoryBytes, m.stateGrows else { return nil }
        return max(0, (memoryBytes - m.weightBytes - m.fixedStateBytes) / m.kvBytesPerToken)
    }

    enum CodingKeys: String, CodingKey {
        case model
        case peakRSSBytes = "peak_rss_bytes"
        case stateBytes = "state_bytes"
        case weightBytes = "weight_bytes"
        case maxContextTokens = "max_context_tokens"
    }
}
