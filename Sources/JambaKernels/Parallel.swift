import Dispatch

/// The one place the engine's own (non-BLAS) kernels fan out over threads.
///
/// Work is split into `threads` contiguous ranges, never more, so each thread touches one slice of
/// the output and results do not depend on scheduling: the reduction order inside a slice is fixed,
/// so outputs are bit-identical for any thread count.
public enum Parallel {
    /// Threads used by the hand-written kernels. Set once at start-up (with BLAS.setThreads).
    nonisolated(unsafe) public static var threads: Int = 1

    /// Below this much work (scalar operations, an estimate) a fork costs more than it saves.
    public static let minimumWork = 32_768

    /// Calls body(range) for `threads` disjoint ranges covering 0..<count. Runs inline when there is
    /// one thread or too little work (`work` is an estimate of scalar operations) to pay for a fork.
    @inline(__always)
    public static func forRanges(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let n = min(threads, count)
        if n <= 1 || work < minimumWork {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: n) { part in
            let lo = count * part / n
            let hi = count * (part + 1) / n
            if lo < hi { body(lo..<hi) }
        }
    }

    /// Like forRanges, with the part's index (0..<parts) so each thread can use its own slice of
    /// scratch; at most `parts` parts.
    @inline(__always)
    public static func forParts(_ count: Int, parts: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
        let n = min(threads, count, parts)
        if n <= 1 || work < minimumWork {
            body(0, 0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: n) { part in
            let lo = count * part / n
            let hi = count * (part + 1) / n
            if lo < hi { body(part, lo..<hi) }
        }
    }
}
