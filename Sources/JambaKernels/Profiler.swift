import Foundation

/// Wall-clock totals by section ("mamba.scan", "moe", …), for finding where a forward spends its
/// time (`--profile`). A context carries one when its engine's options ask for profiling; the
/// sections are timed on the forward's own thread (`ComputeContext.measure`), and the lock lets
/// engines that share one profiler (bench's models) add to it safely.
public final class Profiler: @unchecked Sendable {
    private var totals: [String: UInt64] = [:]
    private let lock = NSLock()

    public init() {}

    func add(_ section: StaticString, nanoseconds: UInt64) {
        lock.lock()
        totals["\(section)", default: 0] += nanoseconds
        lock.unlock()
    }

    public func reset() {
        lock.lock()
        totals = [:]
        lock.unlock()
    }

    /// Sections with their seconds, largest first.
    public var report: [(section: String, seconds: Double)] {
        lock.lock()
        defer { lock.unlock() }
        return totals.map { ($0.key, Double($0.value) / 1e9) }.sorted { $0.seconds > $1.seconds }
    }
}
