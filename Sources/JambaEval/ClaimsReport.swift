import Foundation

/// What `jamba-eval claims` measured (JSON first; the Markdown is a rendering of it).
public struct ClaimsReport: Codable, Sendable {
    public struct Probe: Codable, Sendable, Equatable {
        public var context: Int
        public var batch: Int
        public var result: ClaimsProbe.Result
    }

    public struct ContextResult: Codable, Sendable, Equatable {
        /// The longest prompt whose run fitted (a multiple of the resolution); 0 when none did.
        public var measured: Int
        /// The search stopped at the longest context it was allowed to try, which fitted.
        public var reachedLimit: Bool
        /// Lengths probed were multiples of this many tokens.
        public var resolution: Int
        /// From the sizes alone: weights + fixed state + KV/token × L within the budget (nil when
        /// the state does not grow with the context).
        public var computed: Int?
        /// The same with the process overhead measured by the first run taken off the budget.
        public var computedWithOverhead: Int?
        public var probes: [Probe]

        /// The run at the measured length.
        public var atMeasured: Probe? { probes.first { $0.context == measured && $0.result.fits } }

        enum CodingKeys: String, CodingKey {
            case measured, computed, probes, resolution
            case reachedLimit = "reached_limit"
            case computedWithOverhead = "computed_with_overhead"
        }
    }

    /// Rounds of decode steps timed in a held run, in turns with the other models'.
    public struct Timing: Codable, Sendable, Equatable {
        /// Decode steps per round (each a forward of the whole batch).
        public var steps: Int
        /// Seconds of each round.
        public var seconds: [Double]
        /// The held run's peak, and whether it stayed within the budget.
        public var peakBytes: Int
        public var fits: Bool

        enum CodingKeys: String, CodingKey {
            case steps, seconds, fits
            case peakBytes = "peak_bytes"
        }
    }

    public struct DecodeResult: Codable, Sendable, Equatable {
        public var context: Int
        /// The largest batch whose run fitted; 0 when not even one sequence did.
        public var batch: Int
        public var reachedLimit: Bool
        public var computed: Int
        public var computedWithOverhead: Int
        public var probes: [Probe]
        /// The rounds timed in turns with the other models, when there were any.
        public var timing: Timing? = nil

        /// The search's run at the measured batch.
        public var atMeasured: Probe? { probes.first { $0.batch == batch && $0.result.fits } }
        /// Total tokens/s of each timed round.
        public var roundRates: [Double]? {
            guard let t = timing, !t.seconds.isEmpty else { return nil }
            return t.seconds.map { Double(batch * t.steps) / $0 }
        }
        /// The median of the timed rounds, else the search run's single round.
        public var tokensPerSecond: Double? { roundRates.map { Stats($0).median } ?? atMeasured.map(\.result.tokensPerSecond) }

        enum CodingKeys: String, CodingKey {
            case context, batch, computed, probes, timing
            case reachedLimit = "reached_limit"
            case computedWithOverhead = "computed_with_overhead"
        }
    }

    public struct ModelResult: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        public var sizes: ClaimsProbe.ModelSizes
        /// Peak of the first, short run minus its weights and state: runtime, libraries, scratch.
        public var overheadBytes: Int
        public var calibration: Probe
        public var context: ContextResult
        public var decode: [DecodeResult]

        enum CodingKeys: String, CodingKey {
            case name, path, sizes, calibration, context, decode
            case overheadBytes = "overhead_bytes"
        }
    }

    /// The hybrid's total decode tokens/s ÷ a baseline's at one context; nil when either holds
    /// no sequence of that length.
    public struct Ratio: Codable, Sendable, Equatable {
        public var context: Int
        public var baseline: String
        /// The median of perRound when the models were timed in turns.
        public var ratio: Double?
        public var perRound: [Double]?

        enum CodingKeys: String, CodingKey {
            case context, baseline, ratio
            case perRound = "per_round"
        }
    }

    public var environment: RunEnvironment
    public var options: ClaimsRunner.Options
    public var hybrid: String
    /// 1, 5 and 15 minute load averages when the run started and ended.
    public var loadBefore: [Double]?
    public var loadAfter: [Double]?
    public var seconds: Double
    public var models: [ModelResult]
    public var ratios: [Ratio]

    public init(environment: RunEnvironment, options: ClaimsRunner.Options, hybrid: String, loadBefore: [Double]?,
                loadAfter: [Double]?, seconds: Double, models: [ModelResult], ratios: [Ratio]) {
        self.environment = environment; self.options = options; self.hybrid = hybrid; self.loadBefore = loadBefore
        self.loadAfter = loadAfter; self.seconds = seconds; self.models = models; self.ratios = ratios
    }

    enum CodingKeys: String, CodingKey {
        case environment, options, hybrid, seconds, models, ratios
        case loadBefore = "load_before"
        case loadAfter = "load_after"
    }

    /// "12.5 MiB": peak and weight sizes, in the report and the runner's progress lines.
    public static func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1048576) }
}
