import Dispatch

/// Opt-in wall-clock accounting by section ("mamba.scan", "moe.experts", …), for finding where a
/// forward spends its time (`jamba-eval bench --profile`). Off by default; when off, `measure`
/// costs one branch.
public enum Profiler {
    nonisolated(unsafe) public static var enabled = false
    nonisolated(unsafe) private static var totals: [String: UInt64] = [:]

    @inline(__always)
    public static func measure<T>(_ section: StaticString, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { totals["\(section)", default: 0] += DispatchTime.now().uptimeNanoseconds - t0 }
        return try body()
    }

    public static func reset() { totals = [:] }

    /// Sections with their seconds, largest first.
    public static var report: [(section: String, seconds: Double)] {
        totals.map { ($0.key, Double($0.value) / 1e9) }.sorted { $0.seconds > $1.seconds }
    }
}
