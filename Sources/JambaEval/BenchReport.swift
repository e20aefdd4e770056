import Foundation
import JambaKernels

/// Mean and sample standard deviation of repeated measurements.
public struct Stats: Codable, Sendable {
    public let mean: Double
    public let sd: Double
    public let values: [Double]

    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        let m = values.reduce(0, +) / max(n, 1)
        mean = m
        sd = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
    }
}

public struct BenchResult: Codable, Sendable {
    public let model: String
    public let parameters: Int
    public let test: BenchTest
    public let batch: Int
    public let tokensPerSecond: Stats
    /// Model FLOP/s ÷ the calibration GEMM's FLOP/s, per repetition.
    public let utilisation: Stats
    public let stateBytes: Int
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
    public let calibrationFLOPs: Double
    public let calibrationSpread: [Double]
    public let repeats: Int
    public let results: [BenchResult]

    /// llama-bench-style table, plus utilisation and the hybrid ÷ baseline ratio per test when a
    /// baseline model is named.
    public func markdown(baseline: String? = nil) -> String {
        var lines: [String] = []
        let cal = String(format: "%.1f", calibrationFLOPs / 1e9)
        lines.append("CPU: \(environment.cpu); OpenBLAS core \(environment.openblasCore); \(environment.threads) threads; calibration sgemm 2048×1024×4096: \(cal) GFLOP/s")
        lines.append("")
        var header = "| model | params | threads | test | t/s | MFU |"
        var rule = "|---|---:|---:|---|---:|---:|"
        if baseline != nil { header += " ÷ baseline |"; rule += "---:|" }
        lines.append(header)
        lines.append(rule)
        for r in results {
            let params = String(format: "%.1fM", Double(r.parameters) / 1e6)
            let tps = String(format: "%.1f ± %.1f", r.tokensPerSecond.mean, r.tokensPerSecond.sd)
            let mfu = String(format: "%.3f ± %.3f", r.utilisation.mean, r.utilisation.sd)
            let test = r.batch > 1 ? "\(r.test) ×\(r.batch)" : "\(r.test)"
            var line = "| \(r.model) | \(params) | \(environment.threads) | \(test) | \(tps) | \(mfu) |"
            if let b = baseline {
                if let base = results.first(where: { $0.model == b && $0.test == r.test && $0.batch == r.batch }) {
                    line += String(format: " %.2f× |", r.tokensPerSecond.mean / base.tokensPerSecond.mean)
                } else { line += " |" }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
