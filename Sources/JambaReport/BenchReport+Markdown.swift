import Foundation
import JambaEval

/// The bench report rendered for people: `bench`'s table and summary.md's throughput section.
extension BenchReport {
    /// llama-bench-style table with utilisation and, when a baseline model is named, the speed
    /// ratio to it per test.
    public func markdown() -> String {
        var lines: [String] = []
        let cache = environment.lastLevelCacheBytes.map { "; last-level cache \(Self.binary($0))" } ?? ""
        lines.append("- CPU: \(environment.cpuDescription)\(cache)")
        lines.append("- OpenBLAS core: \(environment.coreDescription); \(environment.threads) threads")
        let probe = bandwidthProbe.map { " (\($0))" } ?? ""
        lines.append(String(format: "- calibration: sgemm 2048×1024×4096 %.1f ± %.1f GFLOP/s; sgemv over %@ of weights%@ %.1f ± %.1f GB/s; %d repetitions, interleaved",
                            calibration.mean / 1e9, calibration.sd / 1e9, bandwidthBytes.map(Self.binary) ?? "64 MiB", probe,
                            (bandwidth?.mean ?? 0) / 1e9, (bandwidth?.sd ?? 0) / 1e9, repeats))
        lines.append("")
        lines.append("util.: prefill, model FLOP/s ÷ the sgemm rate (MFU); decode at any batch, bytes read/s ÷ the sgemv rate (DRAM bandwidth when its matrix is several times the last-level cache), counting each weight once per step and each expert once per step that routes a row to it.")
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

    /// "1 GiB", "32 MiB", "1.5 GiB": sizes of caches and calibrations, in binary units.
    static func binary(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes), i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return v == v.rounded() ? String(format: "%.0f %@", v, units[i]) : String(format: "%.1f %@", v, units[i])
    }
}
