import COpenBLAS
import Dispatch

/// Where a forward's work runs: how many threads the hand-written kernels split over, the
/// profiler (if any) that times its sections, and the 16-bit kernels' widening scratch. An engine makes one from its options and passes it
/// down (engine → model → layers → every kernel that fans out), so no kernel reads a global.
///
/// Work is split into `threads` contiguous ranges, never more, so each thread touches one slice of
/// the output and results do not depend on scheduling: the reduction order inside a slice is fixed,
/// so outputs are bit-identical for any thread count.
///
/// OpenBLAS keeps one thread count for the whole process (this OpenBLAS, 0.3.21, has no per-call
/// or per-thread setting), so that one piece of state cannot live in a value. This file is the only
/// code that sets it: `claimOpenBLAS` makes it the context's count (an engine does so once, when it
/// is made), and `withSerialBLAS` drops it to one thread for a span of work whose BLAS calls are
/// small and made from several threads of our own, then puts it back. Like the rest of the engine
/// this assumes one forward at a time per process, and one thread count per process.
public struct ComputeContext: Sendable {
    /// Threads the hand-written kernels split over (and, once claimed, OpenBLAS's).
    public let threads: Int
    /// Set when sections of the forward are timed (`measure`); nil costs one branch per section.
    public let profiler: Profiler?
    /// Set inside a decode step (`withEngineKernels`): one-row products go to SkinnyGEMM on this
    /// context's threads instead of OpenBLAS's sgemv, which is then held to one thread.
    public private(set) var oneRowOnEngineKernels = false
    /// Float32 scratch the 16-bit weight kernels widen into (PanelGEMM's panels, HalfSkinnyGEMM's
    /// permuted rows), kept between their calls; shared by the copies of this context.
    let panels = PanelScratch()

    /// Below this much work (scalar operations, an estimate) a fork costs more than it saves.
    public static let minimumWork = 32_768

    /// A context of `threads` threads (at least one). Making one changes nothing outside it; see
    /// `claimOpenBLAS`.
    public init(threads: Int, profiler: Profiler? = nil) {
        self.threads = max(1, threads)
        self.profiler = profiler
    }

    // MARK: OpenBLAS's thread count (process-wide)

    /// Makes OpenBLAS's process-wide thread count this context's: the engine's cores are shared
    /// by its own kernels and OpenBLAS's, never both at once.
    public func claimOpenBLAS() {
        openblas_set_num_threads(Int32(threads))
    }

    /// OpenBLAS's thread count as it stands (what reports record beside the CPU).
    public static var openBLASThreads: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS on one thread, for kernels that call BLAS from several threads of
    /// their own (each call small), or that leave OpenBLAS only small products beside their own
    /// threads: OpenBLAS's pool would otherwise wake and contend with them. Nested calls are free.
    public func withSerialBLAS<R>(_ body: () throws -> R) rethrows -> R {
        let before = openblas_get_num_threads()
        if before <= 1 { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(before) }
        return try body()
    }

    /// Runs `body` with OpenBLAS on one thread and a copy of this context whose one-row products
    /// run on the engine's own kernels: a decode step of 1…8 rows (and its logit rows), where every
    /// product is SkinnyGEMM, one row included (an expert one token routed to would otherwise be a
    /// one-core sgemv). The routing does not depend on the thread count, so neither do the bits.
    public func withEngineKernels<R>(_ body: (ComputeContext) throws -> R) rethrows -> R {
        var step = self
        step.oneRowOnEngineKernels = true
        return try withSerialBLAS { try body(step) }
    }

    // MARK: Fan-out

    /// Calls body(range) for `threads` disjoint ranges covering 0..<count. Runs inline when there is
    /// one thread or too little work (`work` is an estimate of scalar operations) to pay for a fork.
    /// Inside a decode step the ranges go to SpinTeam, whose helpers are spinning between the
    /// step's products anyway: a GCD fork woke a pool thread through the kernel (tens of
    /// microseconds), about forty times a jamba-mini batch-8 step (SiLU, softplus, the scan, the
    /// gate), and had to take a core from a spinning helper; the steps took 3.2% less time on
    /// SpinTeam (Zen 5, 2 threads, steps alternating between the two, 512 of each). Same ranges,
    /// same bits.
    @inline(__always)
    public func forRanges(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let n = work < Self.minimumWork ? 1 : threads
        if oneRowOnEngineKernels { SpinTeam.shared.forRanges(count, threads: n, body); return }
        Self.forRanges(count, threads: n, body)
    }

    /// Like forRanges, with the part's index (0..<parts) so each thread can use its own slice of
    /// scratch; at most `parts` parts.
    @inline(__always)
    public func forParts(_ count: Int, parts: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
        let n = min(threads, count, parts)
        if n <= 1 || work < Self.minimumWork {
            body(0, 0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: n) { part in
            let lo = count * part / n
            let hi = count * (part + 1) / n
            if lo < hi { body(part, lo..<hi) }
        }
    }

    /// The split itself: min(threads, count) contiguous ranges on GCD's threads (SpinTeam falls
    /// back to it, with the same ranges).
    @inline(__always)
    static func forRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let n = min(threads, count)
        if n <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: n) { part in
            let lo = count * part / n
            let hi = count * (part + 1) / n
            if lo < hi { body(lo..<hi) }
        }
    }

    // MARK: Profiling

    /// Times `body` into the profiler's `section` when there is one.
    @inline(__always)
    public func measure<T>(_ section: StaticString, _ body: () throws -> T) rethrows -> T {
        guard let profiler else { return try body() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { profiler.add(section, nanoseconds: DispatchTime.now().uptimeNanoseconds - t0) }
        return try body()
    }
}
