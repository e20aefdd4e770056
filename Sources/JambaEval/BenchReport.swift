import Foundation
import JambaKernels

/// Mean, sample standard deviation and median of repeated measurements.
public struct Stats: Codable, Sendable, Equatable {
    public let mean: Double
    public let sd: Double
    public let median: Double
    public let values: [Double]

    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        let m = values.reduce(0, +) / max(n, 1)
        mean = m
        sd = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
        let sorted = values.sorted()
        median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

public struct BenchResult: Codable, Sendable {
    public let model: String
    public let parameters: Int
    public let test: BenchTest
    public let batch: Int
    public let tokensPerSecond: Stats
    /// Prefill and batched decode: model FLOP/s ÷ the calibration GEMM's FLOP/s of the same
    /// repetition (MFU). Decode of one sequence: weight and cache bytes read per second ÷ the
    /// calibration sgemv's bytes/s (bandwidth utilisation).
    public let utilisation: Stats
    /// This model's speed ÷ the baseline model's, repetition by repetition (absent for the baseline).
    public let ratioToBaseline: Stats?
    public let stateBytes: Int

    /// "pp2048" or "tg64 @ d4096 ×8": how tables and the gate name a test.
    public var testName: String { batch > 1 ? "\(test) ×\(batch)" : "\(test)" }
}

/// Where a benchmark ran: what makes two reports comparable (or not).
public struct BenchEnvironment: Codable, Sendable {
    public let cpu: String
    public let openblasCore: String
    public let openblasConfig: String
    public let threads: Int
    public let date: String

    public static func current(threads: Int) -> BenchEnvironment {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let iso = ISO8601DateFormatter().string(from: Date())
        return BenchEnvironment(cpu: model, openblasCore: BLAS.coreName, openblasConfig: BLAS.configString,
                                threads: threads, date: iso)
    }
}

public struct BenchReport: Codable, Sendable {
    public let environment: BenchEnvironment
    /// The calibration sgemm (2048 × 1024 × 4096) rate in FLOP/s, one value per repetition.
    public let calibration: Stats
    /// The calibration sgemv (64 MiB of weights) rate in bytes/s, one value per repetition.
    public let bandwidth: Stats?
    public let repeats: Int
    public let baseline: String?
    public let results: [BenchResult]

    /// Results of another run of the same models (another batch size) appended to these.
    public func merging(_ other: BenchReport) -> BenchReport {
        BenchReport(environment: environment, calibration: Stats(calibration.values + other.calibration.values),
                    bandwidth: Stats((bandwidth?.values ?? []) + (other.bandwidth?.values ?? [])),
                    repeats: repeats, baseline: baseline, results: results + other.results)
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
                           bandwidth: pool(reports.map(\.bandwidth)), repeats: reports.reduce(0) { $0 + $1.repeats },
                           baseline: first.baseline, results: results)
    }

    /// llama-bench-style table with utilisation and, when a baseline model is named, the speed
    /// ratio to it per test.
    public func markdown() -> String {
        var lines: [String] = []
        lines.append(String(format: "CPU: %@; OpenBLAS core %@; %d threads; calibration sgemm 2048×1024×4096: %.1f ± %.1f GFLOP/s, sgemv 64 MiB: %.1f ± %.1f GB/s; %d repetitions, interleaved",
                            environment.cpu, environment.openblasCore, environment.threads,
                            calibration.mean / 1e9, calibration.sd / 1e9, (bandwidth?.mean ?? 0) / 1e9, (bandwidth?.sd ?? 0) / 1e9, repeats))
        lines.append("")
        lines.append("util.: prefill and batched decode, model FLOP/s ÷ the sgemm rate (MFU); decode of one sequence, bytes read/s ÷ the sgemv rate.")
        lines.append("")
        var header = "| model | params | threads | test | t/s | util. |"
        var rule = "|---|---:|---:|---|---:|---:|"
        if let b = baseline { header += " ÷ \(b) |"; rule += "---:|" }
        lines.append(header)
        lines.append(rule)
        for r in results {
            let params = String(format: "%.1fM", Double(r.parameters) / 1e6)
            let tps = String(format: "%.1f ± %.1f", r.tokensPerSecond.mean, r.tokensPerSecond.sd)
            let mfu = String(format: "%.3f ± %.3f", r.utilisation.mean, r.utilisation.sd)
            var line = "| \(r.model) | \(params) | \(environment.threads) | \(r.testName) | \(tps) | \(mfu) |"
            if baseline != nil {
                line += r.ratioToBaseline.map { String(format: " %.2f× ± %.2f |", $0.mean, $0.sd) } ?? " — |"
            }
            lines.append(line)
        }
        if let comparisons = comparisonTable() { lines += ["", comparisons] }
        return lines.joined(separator: "\n")
    }
}
