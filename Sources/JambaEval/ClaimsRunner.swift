import Foundation
import JambaModels
import JambaSupport

/// Jamba's two headline claims measured at this scale (issue 12 item 5): (a) the longest context
/// each model holds within a fixed memory budget, and (b) total decode tokens/s at long context with
/// the largest batch that fits that budget, hybrid ÷ baseline.
///
/// Every number comes from running the engine: `measure` runs one ClaimsProbe in a fresh process and
/// returns its peak resident memory (the CLI spawns `jamba-eval claims --probe`; tests inject a
/// model of memory). A length or batch fits when the whole run's peak stays within the budget; the
/// largest one is found by FitSearch, starting from the computed estimate (weights + state + the
/// process overhead measured by a short first run), which the report prints beside the result.
public struct ClaimsRunner {
    public struct ModelSpec: Codable, Sendable, Equatable {
        public var name: String
        /// A config.json (random weights) or a checkpoint folder.
        public var path: String
        public init(name: String, path: String) { self.name = name; self.path = path }
    }

    public struct Options: Codable, Sendable, Equatable {
        /// Peak resident bytes allowed for the whole process.
        public var budgetBytes = 4 << 30
        /// The context search's resolution in bytes of KV cache: each model's lengths are multiples
        /// of the power of two of tokens nearest below it (4 MiB: 8,192 tokens at 512 B/token).
        public var resolutionBytes = 4 << 20
        /// Context lengths for the decode measurement.
        public var contexts = [8192, 32768]
        /// Timed decode steps of every run (after one untimed step).
        public var steps = 64
        /// Timed rounds of `steps` at each decode context, the models' held runs taking turns
        /// (0: each model's speed is its search run's single round).
        public var repeats = 5
        /// Idle time before each timed round, so the previous run's OpenBLAS threads (which spin for
        /// a while after their last call) are asleep when the next one starts.
        public var settleSeconds = 0.2
        public var chunk = EngineOptions.defaultPrefillChunk
        public var threads = EngineOptions.defaultThreads
        public var seed: UInt64 = 0
        /// Longest context searched; a model that holds it is reported as "at least".
        public var maxContext = 1 << 20
        /// Largest batch searched.
        public var maxBatch = 256
        /// Prompt length of the first, short run that measures the process overhead: one prefill
        /// chunk, so that run already holds the workspace every longer run allocates.
        public var calibrationContext = EngineOptions.defaultPrefillChunk
        /// The hybrid whose speed the others' divides; nil for the first model.
        public var hybrid: String?
        /// Shown under the title: what was scaled down and why.
        public var note: String?

        public init() {}

        /// Tokens every run's states hold beyond the prompt: the warm-up step and all timed rounds.
        public var decodedTokens: Int { 1 + max(1, repeats) * steps }

        enum CodingKeys: String, CodingKey {
            case contexts, steps, repeats, chunk, threads, seed, hybrid, note
            case settleSeconds = "settle_seconds"
            case resolutionBytes = "resolution_bytes"
            case budgetBytes = "budget_bytes"
            case maxContext = "max_context"
            case maxBatch = "max_batch"
            case calibrationContext = "calibration_context"
        }
    }

    public let models: [ModelSpec]
    public let options: Options
    public let measure: (ClaimsProbe.Spec) throws -> ClaimsProbe.Result
    /// Starts a held run for the interleaved timing (nil when it stopped over the budget); without
    /// it, each model's decode speed is its search run's.
    public let session: ((ClaimsProbe.Spec) throws -> ClaimsSession?)?
    public let progress: (String) -> Void

    public init(models: [ModelSpec], options: Options, measure: @escaping (ClaimsProbe.Spec) throws -> ClaimsProbe.Result,
                session: ((ClaimsProbe.Spec) throws -> ClaimsSession?)? = nil, progress: @escaping (String) -> Void = { _ in }) {
        precondition(!models.isEmpty)
        self.models = models; self.options = options; self.measure = measure; self.session = session; self.progress = progress
    }

    /// Runs every search; `environment` and the load average are the caller's to fill in.
    public func run(environment: RunEnvironment) throws -> ClaimsReport {
        let t0 = Date()
        let load = ProcFS.loadAverage
        let hybrid = options.hybrid ?? models[0].name
        guard models.contains(where: { $0.name == hybrid }) else {
            throw RunError.model(name: hybrid, reason: "the hybrid names no model; models: \(models.map(\.name).joined(separator: ", "))")
        }
        var results: [ClaimsReport.ModelResult] = []
        for m in models { results.append(try measureContext(m)) }
        for context in options.contexts {
            for i in results.indices {
                let d = try measureDecode(models[i], context: context, result: results[i])
                results[i].decode.append(d)
            }
            if options.repeats > 0, let session { try timeInTurns(context: context, results: &results, start: session) }
        }
        var ratios: [ClaimsReport.Ratio] = []
        if let h = results.first(where: { $0.name == hybrid }) {
            for context in options.contexts {
                guard let mine = h.decode.first(where: { $0.context == context }) else { continue }
                for b in results where b.name != hybrid {
                    guard let theirs = b.decode.first(where: { $0.context == context }) else { continue }
                    ratios.append(Self.ratio(mine, theirs, context: context, baseline: b.name))
                }
            }
        }
        return ClaimsReport(environment: environment, options: options, hybrid: hybrid, loadBefore: load,
                            loadAfter: ProcFS.loadAverage, seconds: Date().timeIntervalSince(t0), models: results, ratios: ratios)
    }

    /// Every run reserves room for all timed rounds, so the search's runs hold what the timed ones do.
    func spec(_ m: ModelSpec, context: Int, batch: Int) -> ClaimsProbe.Spec {
        ClaimsProbe.Spec(model: m.path, seed: options.seed, context: context, batch: batch, steps: options.steps,
                         repetitions: max(1, options.repeats), budgetBytes: options.budgetBytes, chunk: options.chunk,
                         threads: options.threads)
    }

    /// Holds every model's largest-batch run at `context` at once and times `repeats` rounds in
    /// turns (A B C, C B A, …): a change in the machine's load hits every model alike.
    func timeInTurns(context: Int, results: inout [ClaimsReport.ModelResult],
                     start: (ClaimsProbe.Spec) throws -> ClaimsSession?) throws {
        var held: [(index: Int, session: ClaimsSession)] = []
        for (i, r) in results.enumerated() {
            guard let d = r.decode.last, d.context == context, d.batch > 0 else { continue }
            if let s = try start(spec(models[i], context: context, batch: d.batch)) {
                held.append((i, s))
            } else {
                progress("\(r.name): context \(context) × \(d.batch) did not fit when held for timing; its search run's speed stands")
            }
        }
        var seconds: [Int: [Double]] = [:]
        for round in 0..<options.repeats {
            for (i, s) in (round % 2 == 0 ? held : held.reversed()) {
                if options.settleSeconds > 0 { Thread.sleep(forTimeInterval: options.settleSeconds) }
                seconds[i, default: []].append(try s.round())
            }
        }
        for (i, s) in held {
            let end = try s.finish()
            let last = results[i].decode.count - 1
            let timing = ClaimsReport.Timing(steps: options.steps, seconds: seconds[i] ?? [], peakBytes: end.peakBytes, fits: end.fits)
            results[i].decode[last].timing = timing
            let rates = timing.seconds.map { Double(results[i].decode[last].batch * options.steps) / $0 }
            progress("\(results[i].name): context \(context) × \(results[i].decode[last].batch), \(options.repeats) rounds in turns: "
                + rates.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " t/s; peak \(ClaimsReport.mib(end.peakBytes))")
        }
    }

    /// The hybrid's decode speed ÷ a baseline's: the median of the round-by-round ratios when both
    /// were timed in turns, else the ratio of their speeds.
    static func ratio(_ mine: ClaimsReport.DecodeResult, _ theirs: ClaimsReport.DecodeResult, context: Int,
                      baseline: String) -> ClaimsReport.Ratio {
        if let a = mine.roundRates, let b = theirs.roundRates, a.count == b.count, !a.isEmpty {
            let perRound = zip(a, b).map { $0 / $1 }
            return ClaimsReport.Ratio(context: context, baseline: baseline, ratio: Stats(perRound).median, perRound: perRound)
        }
        let ratio = mine.tokensPerSecond.flatMap { x in theirs.tokensPerSecond.map { x / $0 } }
        return ClaimsReport.Ratio(context: context, baseline: baseline, ratio: ratio, perRound: nil)
    }

    /// One probe, logged.
    func probe(_ m: ModelSpec, context: Int, batch: Int) throws -> ClaimsReport.Probe {
        let r = try measure(spec(m, context: context, batch: batch))
        var line = "\(m.name): context \(context) × \(batch): peak \(ClaimsReport.mib(r.peakBytes)) of \(ClaimsReport.mib(options.budgetBytes))"
        if r.fits {
            line += ", fits"
        } else if r.stage == .allocated, let n = r.prefilledTokens, n < context {
            line += ", over the budget after \(n) prompt tokens"
        } else {
            line += ", over the budget at stage \(r.stage.rawValue)"
        }
        if r.prefillSeconds > 0 { line += String(format: ", prefill %.1f s", r.prefillSeconds) }
        if r.decodeTokens > 0 { line += String(format: ", decode %.1f t/s", r.tokensPerSecond) }
        progress(line + String(format: " (%.1f s)", r.seconds))
        return ClaimsReport.Probe(context: context, batch: batch, result: r)
    }

    /// The short first run (sizes, process overhead), then the context search.
    func measureContext(_ m: ModelSpec) throws -> ClaimsReport.ModelResult {
        let cal = try probe(m, context: options.calibrationContext, batch: 1)
        guard let sizes = cal.result.sizes else { throw RunError.model(name: m.name, reason: "the probe reported no model sizes") }
        let extra = options.decodedTokens
        let overhead = cal.result.peakBytes - sizes.bytes(batch: 1, tokens: options.calibrationContext + extra)
            - Self.promptBytesPerToken * options.calibrationContext
        let unit = Self.resolutionTokens(sizes, bytes: options.resolutionBytes)
        var result = ClaimsReport.ModelResult(name: m.name, path: m.path, sizes: sizes, overheadBytes: overhead, calibration: cal,
                                              context: ClaimsReport.ContextResult(measured: 0, reachedLimit: false, resolution: unit,
                                                                                  computed: nil, computedWithOverhead: nil, probes: []),
                                              decode: [])
        let budget = options.budgetBytes
        result.context.computed = Self.computedContext(sizes, budget: budget, overhead: 0, extraTokens: extra)
        result.context.computedWithOverhead = Self.computedContext(sizes, budget: budget, overhead: overhead, extraTokens: extra,
                                                                   promptBytesPerToken: Self.promptBytesPerToken)
        if !cal.result.fits {
            progress("\(m.name): even \(options.calibrationContext) tokens do not fit in the budget")
            result.context.probes = [cal]
            return result
        }
        var probes: [ClaimsReport.Probe] = []
        let search = FitSearch(unit: unit, guess: result.context.computedWithOverhead ?? options.maxContext,
                               limit: max(unit, options.maxContext))
        let outcome = try search.run { n in
            let p = try probe(m, context: n, batch: 1)
            probes.append(p)
            return p.result.fits
        }
        result.context.measured = outcome.largestFitting
        result.context.reachedLimit = outcome.reachedLimit
        result.context.probes = probes
        return result
    }

    /// The batch search at one context; the largest fitting run's decode speed is the result.
    func measureDecode(_ m: ModelSpec, context: Int, result: ClaimsReport.ModelResult) throws -> ClaimsReport.DecodeResult {
        let extra = options.decodedTokens, budget = options.budgetBytes
        var d = ClaimsReport.DecodeResult(
            context: context, batch: 0, reachedLimit: false,
            computed: Self.computedBatch(result.sizes, budget: budget, overhead: 0, context: context, extraTokens: extra),
            computedWithOverhead: Self.computedBatch(result.sizes, budget: budget, overhead: result.overheadBytes, context: context,
                                                     extraTokens: extra, promptBytesPerToken: Self.promptBytesPerToken,
                                                     withLogits: true),
            probes: [])
        // Nothing longer than the measured longest context can fit, even alone.
        if !result.context.reachedLimit && context >= result.context.measured + result.context.resolution {
            progress("\(m.name): context \(context) is longer than the longest that fits; batch 0")
            return d
        }
        var probes: [ClaimsReport.Probe] = []
        let outcome = try FitSearch(unit: 1, guess: max(1, d.computedWithOverhead), limit: options.maxBatch).run { b in
            let p = try probe(m, context: context, batch: b)
            probes.append(p)
            return p.result.fits
        }
        d.batch = outcome.largestFitting
        d.reachedLimit = outcome.reachedLimit
        d.probes = probes
        return d
    }

    /// Tokens of KV cache in `bytes`, rounded down to a power of two (1024 when the cache does not
    /// grow with the context).
    public static func resolutionTokens(_ s: ClaimsProbe.ModelSizes, bytes: Int) -> Int {
        guard s.kvBytesPerToken > 0 else { return 1024 }
        var n = 1
        while n * 2 * s.kvBytesPerToken <= bytes { n *= 2 }
        return n
    }

    /// The prompt's token ids, held while it is read (Swift Int).
    public static let promptBytesPerToken = MemoryLayout<Int>.stride

    /// Largest prompt L with weights + fixed state + KV/token × (L + extraTokens) + overhead + the
    /// prompt's ids within the budget; nil when the state does not grow with the context.
    public static func computedContext(_ s: ClaimsProbe.ModelSizes, budget: Int, overhead: Int, extraTokens: Int,
                                       promptBytesPerToken: Int = 0) -> Int? {
        guard s.kvBytesPerToken > 0, s.attentionWindow == nil else { return nil }
        let free = budget - overhead - s.weightBytes - s.fixedStateBytes - s.kvBytesPerToken * extraTokens
        return max(0, free / (s.kvBytesPerToken + promptBytesPerToken))
    }

    /// Largest batch of states, each reserved for context + extraTokens, that fits beside the
    /// weights, the overhead and one prompt's ids; `withLogits` counts each sequence's row of
    /// decode logits too.
    public static func computedBatch(_ s: ClaimsProbe.ModelSizes, budget: Int, overhead: Int, context: Int, extraTokens: Int,
                                     promptBytesPerToken: Int = 0, withLogits: Bool = false) -> Int {
        let free = budget - overhead - s.weightBytes - promptBytesPerToken * context
        let perSequence = s.stateBytes(tokens: context + extraTokens) + (withLogits ? s.logitsBytesPerSequence : 0)
        return max(0, free / max(1, perSequence))
    }
}

extension ClaimsRunner {
    /// "4GiB", "4G", "512MiB", "1.5GiB", "64KiB" or plain bytes; binary units (G = GiB). nil when
    /// unreadable or not positive.
    public static func parseBytes(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("GiB", 1073741824), ("MiB", 1048576), ("KiB", 1024), ("G", 1073741824), ("M", 1048576),
                                         ("K", 1024), ("B", 1)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            guard let x = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), x > 0 else { return nil }
            return Int(x * scale)
        }
        guard let n = Int(s), n > 0 else { return nil }
        return n
    }
}
