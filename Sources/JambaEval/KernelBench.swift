import Dispatch
import Foundation
import JambaKernels

/// `bench --kernels`: how fast each decode kernel reads weights, in the shapes a decode step has,
/// with the weights in DRAM (a set of matrices several times the last-level cache, as
/// `BandwidthProbe` sizes it). Decode is bound by weight bytes read (DESIGN.md §6), so GB/s of
/// weights per kernel and row count is the profile that says where batched decode loses time:
/// a kernel at m rows far below sgemv's rate is compute- or load-bound, not memory-bound.
///
/// Kernels: OpenBLAS sgemv (one row, OpenBLAS's threads), SkinnyGEMM (Float32, 1…8 rows) and
/// HalfSkinnyGEMM (BF16, 1…8 rows), on the engine's threads. Tests are interleaved across repeats
/// and the best sweep of each is kept.
public struct KernelBench {
    public struct Result: Sendable {
        public let kernel: Kernel
        public let shape: String
        public let rows: Int
        /// Weight bytes read per second.
        public let bytesPerSecond: Double
    }

    /// The matrix shapes [n, k] of one jamba-mini expert: gate/up [3584, 1024] (x rows of 4 KiB)
    /// and down [1024, 3584] (x rows of 14 KiB: 8 of them no longer fit L1).
    public static let shapes = [(n: 3584, k: 1024), (n: 1024, k: 3584)]
    public static let rowCounts = [1, 2, 4, 8]

    let bytes: Int
    let repeats: Int

    /// `bytes`: Float32 weight bytes per sweep (BF16 sweeps read half).
    public init(bytes: Int = BandwidthProbe.size(lastLevelCache: LastLevelCache.bytes), repeats: Int = 5) {
        self.bytes = bytes
        self.repeats = repeats
    }

    public enum Kernel: Sendable {
        case sgemv, skinny, halfSkinny
    }

    public func run(context: ComputeContext, progress: (String) -> Void = { _ in }) -> [Result] {
        var results: [Result] = []
        for shape in Self.shapes {
            let n = shape.n, k = shape.k
            let count = max(1, bytes / (4 * n * k))
            let w = FloatBuffer(count: count * n * k)
            let h = UnsafeMutablePointer<UInt16>.allocate(capacity: count * n * k)
            defer { h.deallocate() }
            for i in 0..<w.count {
                let v = Float((i &* 2_654_435_761) % 1001) * 1e-3 - 0.5
                w.pointer[i] = v
                h[i] = BF16.narrow(v)
            }
            let x = FloatBuffer(count: SkinnyGEMM.maxRows * k)
            for i in 0..<x.count { x.pointer[i] = Float(i % 7) * 0.1 }
            let out = FloatBuffer(count: SkinnyGEMM.maxRows * n)
            let label = "\(n)×\(k)"
            var tests: [(Kernel, Int)] = [(.sgemv, 1)]
            for m in Self.rowCounts { tests.append((.skinny, m)); tests.append((.halfSkinny, m)) }
            func sweep(_ kernel: Kernel, _ m: Int) {
                for c in 0..<count {
                    let off = c * n * k
                    switch kernel {
                    case .sgemv:
                        BLAS.linear(out.pointer, ldOut: n, x.pointer, ldX: k, w.pointer + off, ldW: k, m: 1, n: n, k: k, context: context)
                    case .skinny:
                        SkinnyGEMM.apply(out.pointer, ldOut: n, x.pointer, ldX: k, w.pointer + off, ldW: k, m: m, n: n, k: k, accumulate: false, context: context)
                    case .halfSkinny:
                        // Through BLAS.linear, as the engine calls it: called from this module, the
                        // generic HalfSkinnyGEMM.apply runs unspecialised (a witness-table call per
                        // block of 32 weights), 1.2-1.6x slower than the BF16 code the engine runs.
                        BLAS.linear(out.pointer, ldOut: n, x.pointer, ldX: k, .bf16(h + off), ldW: k, m: m, n: n, k: k, context: context)
                    }
                }
            }
            for t in tests { sweep(t.0, t.1) }   // pages faulted in, helpers started
            var best = [Double](repeating: .infinity, count: tests.count)
            for _ in 0..<repeats {
                for (i, t) in tests.enumerated() {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    sweep(t.0, t.1)
                    best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                }
            }
            for (i, t) in tests.enumerated() {
                let read = Double(count * n * k * (t.0 == .halfSkinny ? 2 : 4))
                results.append(Result(kernel: t.0, shape: label, rows: t.1, bytesPerSecond: read / best[i]))
            }
            progress("\(label): \(count) matrices, \(String(format: "%.2f", Double(count * n * k * 4) / 1e9)) GB F32")
        }
        return results
    }
}
