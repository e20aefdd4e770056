import Foundation
import JambaKernels

/// The reference GEMM measured in the same process as the model: its rate is the denominator of
/// model FLOP utilisation, which is what makes throughput comparable across noisy runs. (Decode's
/// denominator, a memory bandwidth, is BandwidthProbe's.)
public enum Calibration {
    /// sgemm rate in FLOP/s for x [m, k] · Wᵀ [n, k], best of `repeats` after a warm-up.
    /// The default shape is 2048 × 1024 × 4096, the jamba-mini prefill shape of an up-projection,
    /// measured on the models' compute context (the same threads).
    public static func gemmRate(m: Int = 2048, n: Int = 4096, k: Int = 1024, repeats: Int = 5, context: ComputeContext) -> Double {
        let x = FloatBuffer(count: m * k), w = FloatBuffer(count: n * k), out = FloatBuffer(count: m * n)
        for i in 0..<x.count { x.pointer[i] = Float(i % 7) * 0.1 }
        for i in 0..<w.count { w.pointer[i] = Float(i % 5) * 0.1 }
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            BLAS.linear(out.pointer, ldOut: n, x.pointer, ldX: k, w.pointer, ldW: k, m: m, n: n, k: k, context: context)
            let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = min(best, t)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best
    }
}
