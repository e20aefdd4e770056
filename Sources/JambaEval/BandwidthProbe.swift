import Dispatch
import JambaKernels

/// The decode roofline: the rate at which sgemv streams a weight matrix from DRAM, the
/// denominator of decode-at-batch-1 utilisation. The matrix is sized from the machine, several
/// times its last-level cache, so that the rate is DRAM's on every CPU: a fixed 64 MiB sat inside
/// the 260 MiB L3 of an Intel Xeon of this machine kind and measured the cache.
///
/// A class holding its matrix: filling a gigabyte costs more than reading it, so a bench run
/// fills it once and measures it around every decode test.
public final class BandwidthProbe {
    /// Never less than this, whatever the cache: small caches still get a sweep long enough
    /// (tens of milliseconds) to average over the memory system's hiccups.
    public static let minimumBytes = 1 << 30
    /// At most this, so a strange cache size cannot take a large share of the machine's memory.
    public static let maximumBytes = 4 << 30
    /// How many times the last-level cache the matrix holds: a cache keeps little of a stream
    /// four times its size from one sweep to the next.
    public static let cacheMultiple = 4
    /// Matrix rows are this many Float32 wide (16 KiB): a long contiguous read per row.
    static let columns = 4096

    /// The calibration's size for a last-level cache of `cache` bytes (nil when unknown): at least
    /// `minimumBytes`, else `cacheMultiple` × the cache, rounded up to whole 16 MiB blocks of rows.
    public static func size(lastLevelCache cache: Int?) -> Int {
        let want = min(maximumBytes, max(minimumBytes, cacheMultiple * (cache ?? 0)))
        let block = 4 * columns * 1024
        return (want + block - 1) / block * block
    }

    /// How the rate is taken, stored in each report beside `bytes`: a decode utilisation divided
    /// by a rate taken another way is another quantity (the gate does not compare the two). The
    /// matrix is a `FloatBuffer`, so on Linux it sits in 2 MiB pages, as the models' weights do;
    /// `bench` keeps the best of three sweeps before and after each decode test.
    public static let method = "sgemv, 2 MiB pages, best of 3 sweeps"

    /// Bytes of weights one measurement reads.
    public let bytes: Int
    private let rows: Int
    private let w: FloatBuffer, x: FloatBuffer, y: FloatBuffer
    /// The models' compute context: the sweep runs on their threads.
    private let context: ComputeContext

    public init(bytes: Int, context: ComputeContext) {
        self.context = context
        rows = max(1, bytes / (4 * Self.columns))
        self.bytes = 4 * rows * Self.columns
        w = FloatBuffer(count: rows * Self.columns)
        x = FloatBuffer(count: Self.columns)
        y = FloatBuffer(count: rows)
        for i in 0..<w.count { w.pointer[i] = Float(i % 11) * 0.01 }
        x.fill(1)
        sweep()   // faults every page in before anything is timed
    }

    /// Sized for this machine's last-level cache.
    public static func forThisMachine(context: ComputeContext) -> BandwidthProbe {
        BandwidthProbe(bytes: size(lastLevelCache: LastLevelCache.bytes), context: context)
    }

    /// Bytes per second: the best of `repeats` sweeps over the whole matrix.
    public func measure(repeats: Int) -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            sweep()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return Double(bytes) / best
    }

    private func sweep() {
        BLAS.linear(y.pointer, ldOut: rows, x.pointer, ldX: Self.columns, w.pointer, ldW: Self.columns,
                    m: 1, n: rows, k: Self.columns, context: context)
    }
}
