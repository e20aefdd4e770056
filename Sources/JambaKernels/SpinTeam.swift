import CCPUID
import Foundation

/// Helper threads that wait for work by spinning for a short while before they sleep, for
/// products so short that waking a sleeping thread is a large share of them: a batch-1 decode step
/// with BF16 weights makes about fifty products of 1–4 MiB, each a few hundred microseconds on two
/// threads, and a GCD fork (a pool thread woken through the kernel) cost tens of microseconds each
/// on the busy shared machine (2 threads ran decode 1.28× faster than 1; OpenBLAS's sgemv, whose
/// threads spin, 1.6×). `forRanges` splits work into the same contiguous ranges as
/// `ComputeContext.forRanges`, so results are identical; `forGuidedRanges` lets the threads claim
/// ranges as they go, for work whose result does not depend on the split.
///
/// One caller at a time: a second concurrent caller, or a call from inside a part, runs through
/// `ComputeContext.forRanges` instead. Helpers spin for `spinLimit` pauses after each job (≈ 0.1 ms), then
/// block on a condition until the next.
final class SpinTeam: @unchecked Sendable {
    static let shared = SpinTeam()
    static let spinLimit = 4096

    private let condition = NSCondition()
    private let caller = NSLock()
    private let generation = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private let remaining = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// The next unclaimed index of a guided job.
    private let claimed = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private var helpers = 0
    private var parts = 0
    private var job: ((Int) -> Void)?

    private init() {
        generation.initialize(to: 0)
        remaining.initialize(to: 0)
        claimed.initialize(to: 0)
    }

    /// Calls body(range) for min(threads, count) disjoint ranges covering 0..<count, the calling
    /// thread taking the first.
    func forRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let n = min(threads, count)
        if n <= 1 { body(0..<count); return }
        guard caller.try() else { ComputeContext.forRanges(count, threads: n, body); return }
        defer { caller.unlock() }
        withoutActuallyEscaping(body) { body in
            run(parts: n) { part in body((count * part / n)..<(count * (part + 1) / n)) }
        }
    }

    /// Calls body(range) for disjoint ranges covering 0..<count, each `grain` long or a multiple of
    /// it (but the last), claimed by whichever thread is free: a claim takes about half of what is
    /// left divided among the threads (guided self-scheduling), so the claims shrink towards the
    /// end, and a thread that starts late or loses its core for a while takes less. For work whose
    /// result does not depend on the split: the decode products (each output column is the same
    /// chain whatever range it falls in). Static halves made the faster thread wait at every
    /// product's end; jamba-mini batch-8 steps on 2 shared cores of Zen 5 took 3.1% less time with
    /// these claims (steps alternating between the two, 384 of each).
    func forGuidedRanges(_ count: Int, threads: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        precondition(grain >= 1)
        let n = min(threads, (count + grain - 1) / grain)
        if n <= 1 { body(0..<count); return }
        guard caller.try() else { ComputeContext.forRanges(count, threads: n, body); return }
        defer { caller.unlock() }
        let next = claimed
        jamba_atomic_store(next, 0)
        func claimLoop() {
            while true {
                let start = jamba_atomic_load(next)
                if start >= count { return }
                let share = (count - start) / (2 * n)
                let end = min(count, start + max(grain, (share + grain - 1) / grain * grain))
                if jamba_atomic_cas(next, start, end) != 0 { body(start..<end) }
            }
        }
        withoutActuallyEscaping(claimLoop) { claimLoop in run(parts: n) { _ in claimLoop() } }
    }

    /// Hands `part` to the helpers (helper i runs part(i) when i < parts), runs part(0) here, and
    /// returns when every helper has answered. The caller holds `caller`.
    private func run(parts n: Int, _ part: @escaping (Int) -> Void) {
        while helpers < n - 1 { startHelper(index: helpers + 1) }
        job = part
        parts = n
        // Every helper answers every job, those beyond its parts too: then none can lag into the
        // next job and read its parts and closure as this one's.
        jamba_atomic_store(remaining, helpers)
        condition.lock()
        _ = jamba_atomic_add(generation, 1)
        condition.broadcast()
        condition.unlock()
        part(0)
        // Spin, then yield: on an oversubscribed machine a helper may be waiting for this very
        // core, and spinning on would hold it for a whole time slice.
        var spins = 0
        while jamba_atomic_load(remaining) > 0 {
            spins += 1
            if spins < Self.spinLimit { jamba_spin_pause() } else { sched_yield() }
        }
        job = nil
    }

    private func startHelper(index: Int) {
        helpers += 1
        let seen = jamba_atomic_load(generation)
        let thread = Thread { [unowned self] in self.helperLoop(index: index, seen: seen) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func helperLoop(index: Int, seen start: Int) {
        var seen = start
        while true {
            var spins = 0
            while jamba_atomic_load(generation) == seen && spins < Self.spinLimit {
                jamba_spin_pause()
                spins += 1
            }
            if jamba_atomic_load(generation) == seen {
                condition.lock()
                while jamba_atomic_load(generation) == seen { condition.wait() }
                condition.unlock()
            }
            seen = jamba_atomic_load(generation)
            // A helper beyond this job's parts (a smaller split than the team) has nothing to do.
            if index < parts, let job { job(index) }
            _ = jamba_atomic_add(remaining, -1)
        }
    }
}
