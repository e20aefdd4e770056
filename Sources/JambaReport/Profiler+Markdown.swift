import Foundation
import JambaKernels

/// `--profile` rendered for people (the timings are `Profiler.report`).
extension Profiler {
    /// One row per timed section: seconds and share of the total.
    public func markdown() -> String {
        let sections = report   // one snapshot: `report` takes the lock and sorts each time
        let total = sections.reduce(0) { $0 + $1.seconds }
        var lines = ["| section | seconds | share |", "|---|---:|---:|"]
        for (section, s) in sections { lines.append(String(format: "| %@ | %.3f | %.1f%% |", section, s, total > 0 ? 100 * s / total : 0)) }
        return lines.joined(separator: "\n")
    }
}
