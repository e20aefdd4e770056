import Foundation
import JambaKernels

/// The reference GEMM measured in the same process as the model: its rate is the denominator of
/// model FLOP utilisation, which is what makes throughput comparable across noisy runs.
public enum Calibration {
    /// sgemm rate in FLOP/s for x [m, k] · Wᵀ [n, k], best of `repeats` after a warm-up.
    /// The default shape is 2048 × 1024 × 4096, the jamba-mini prefill shape of an up-projection.
    public static func gemmRate(m: Int = 2048, n: Int = 4096, k: Int = 1024, repeats: Int = 5) -> Double {
        let x = FloatBuffer(count: m * k), w = FloatBuffer(count: n * k), out = FloatBuffer(count: m * n)
        for i in 0..<x.count { x.pointer[i] = Float(i % 7) * 0.1 }
        for i in 0..<w.count { w.pointer[i] = Float(i % 5) * 0.1 }
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            BLAS.linear(out.pointer, ldOut: n, x.pointer, ldX: k, w.pointer, ldW: k, m: m, n: n, k: k)
            let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = min(best, t)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best
    }

    /// sgemv streaming rate in bytes/s over a 64 MiB matrix (larger than the last-level cache),
    /// the best of `repeats` runs of `passes` back-to-back products each: long enough (≈ the time
    /// of a few decode steps) to see the memory system as a decode test sees it.
    public static func gemvBandwidth(rows: Int = 4096, columns: Int = 4096, passes: Int = 8, repeats: Int = 5) -> Double {
        let w = FloatBuffer(count: rows * columns), x = FloatBuffer(count: columns), y = FloatBuffer(count: rows)
        for i in 0..<w.count { w.pointer[i] = Float(i % 11) * 0.01 }
        for i in 0..<x.count { x.pointer[i] = 1 }
        BLAS.linear(y.pointer, ldOut: rows, x.pointer, ldX: columns, w.pointer, ldW: columns, m: 1, n: rows, k: columns)
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<passes {
                BLAS.linear(y.pointer, ldOut: rows, x.pointer, ldX: columns, w.pointer, ldW: columns, m: 1, n: rows, k: columns)
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return 4 * Double(rows) * Double(columns) * Double(passes) / best
    }
}
