import Foundation

/// Memory of one model: the state one sequence needs at each context length of the run (exact,
/// from the layer sizes), and the process's measured peak resident set while the model ran.
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

    enum CodingKeys: String, CodingKey {
        case model
        case peakRSSBytes = "peak_rss_bytes"
        case stateBytes = "state_bytes"
    }
}
