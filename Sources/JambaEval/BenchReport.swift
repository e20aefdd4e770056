import Foundation

public struct BenchResult: Codable, Sendable {
    public let model: String
    public let parameters: Int
    public let test: BenchTest
    public let batch: Int
    public let tokensPerSecond: Stats
    /// Prefill: model FLOP/s ÷ the calibration GEMM's FLOP/s of the same repetition (MFU).
    /// Decode, at any batch: the bytes its steps had to read per second (weights once per step,
    /// each expert the batch routed to once, every sequence's KV cache) ÷ the calibration
    /// sgemv's bytes/s (bandwidth utilisation).
    public let utilisation: Stats
    /// This model's speed ÷ the baseline model's, repetition by repetition (absent for the baseline).
    public let ratioToBaseline: Stats?
    public let stateBytes: Int

    /// "pp2048" or "tg64 @ d4096 ×8": how tables and the gate name a test.
    public var testName: String { batch > 1 ? "\(test) ×\(batch)" : "\(test)" }
}

public struct BenchReport: Codable, Sendable {
    public let environment: RunEnvironment
    /// The calibration sgemm (2048 × 1024 × 4096) rate in FLOP/s, one value per repetition.
    public let calibration: Stats
    /// The calibration sgemv's read rate in bytes/s, one value per repetition.
    public let bandwidth: Stats?
    /// Bytes of weights the calibration sgemv reads (BandwidthProbe: several times the
    /// last-level cache, at least 1 GiB); absent in reports from before it was sized from the
    /// machine, whose sgemv read 64 MiB.
    public var bandwidthBytes: Int? = nil
    /// How the calibration sgemv's rate was taken (`BandwidthProbe.method`); absent in reports
    /// from before its matrix sat in 2 MiB pages and the best of 3 sweeps was kept.
    public var bandwidthProbe: String? = nil
    public let repeats: Int
    public let baseline: String?
    public let results: [BenchResult]

    /// Results of another run of the same models (another batch size) appended to these.
    public func merging(_ other: BenchReport) -> BenchReport {
        BenchReport(environment: environment, calibration: Stats(calibration.values + other.calibration.values),
                    bandwidth: Stats((bandwidth?.values ?? []) + (other.bandwidth?.values ?? [])), bandwidthBytes: bandwidthBytes,
                    bandwidthProbe: bandwidthProbe, repeats: repeats, baseline: baseline, results: results + other.results)
    }

    /// Several runs of the same tests pooled into one report: every repetition's values kept, so
    /// medians come from all of them (a baseline from 3 runs is steadier than from one).
    public static func pooled(_ reports: [BenchReport]) -> BenchReport? {
        guard let first = reports.first else { return nil }
        func pool(_ stats: [Stats?]) -> Stats? {
            let present = stats.compactMap { $0 }
            return present.isEmpty ? nil : Stats(present.flatMap(\.values))
        }
        let results = first.results.map { r -> BenchResult in
            let same = reports.compactMap { rep in rep.results.first { $0.model == r.model && $0.test == r.test && $0.batch == r.batch } }
            return BenchResult(model: r.model, parameters: r.parameters, test: r.test, batch: r.batch,
                               tokensPerSecond: pool(same.map(\.tokensPerSecond))!, utilisation: pool(same.map(\.utilisation))!,
                               ratioToBaseline: pool(same.map(\.ratioToBaseline)), stateBytes: r.stateBytes)
        }
        return BenchReport(environment: first.environment, calibration: pool(reports.map(\.calibration))!,
                           bandwidth: pool(reports.map(\.bandwidth)), bandwidthBytes: first.bandwidthBytes,
                           bandwidthProbe: first.bandwidthProbe, repeats: reports.reduce(0) { $0 + $1.repeats },
                           baseline: first.baseline, results: results)
    }
}
