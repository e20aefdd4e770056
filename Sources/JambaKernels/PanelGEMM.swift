import COpenBLAS
import Foundation

/// x · Wᵀ with W stored in 16 bits, for many rows (prefill): W is widened to Float32 a panel of
/// rows at a time into scratch, and each panel goes to OpenBLAS's sgemm (this OpenBLAS has no
/// BF16 GEMM: cblas_sbgemm is declared but not exported, DESIGN.md §6). The widening is exact, so
/// the result is sgemm's on a Float32 copy of W, while only one panel is ever held in Float32.
///
/// Shapes:
///   x      [m, k]  Float32, row stride ldX
///   w      [n, k]  H, row stride ldW
///   out    [m, n]  Float32, row stride ldOut; = x · Wᵀ (+ out with beta 1)
///   panel  [p, k]  Float32 scratch, p = panelRows(n:k:)
/// sgemm packs all of x on every call, so a panel must be wide: with p rows the packing adds about
/// one copy of x per p output columns, 1/(2p) of the multiply-adds (p ≥ 256 keeps it under 0.2%).
public enum PanelGEMM {
    /// Panel height: 8 MiB of Float32, and never fewer than 256 rows (nor more than n).
    public static func panelRows(n: Int, k: Int) -> Int { min(n, max(256, (8 << 20) / max(1, 4 * k))) }

    /// Scratch bytes the widest panel for a k-column weight takes (what the memory plan counts).
    public static func scratchBytes(n: Int, k: Int) -> Int { 4 * panelRows(n: n, k: k) * k }

    public static func apply<H: HalfFormat>(_ format: H.Type, _ out: UnsafeMutablePointer<Float>, ldOut: Int,
                                            _ x: UnsafePointer<Float>, ldX: Int, _ w: UnsafePointer<UInt16>, ldW: Int,
                                            m: Int, n: Int, k: Int, beta: Float,
                                            context: ComputeContext) {
        let p = panelRows(n: n, k: k)
        context.panels.with(count: p * k) { panel in
            var j0 = 0
            while j0 < n {
                let rows = min(p, n - j0)
                context.forRanges(rows, work: rows * k) { range in
                    for r in range { HalfPrecision.widen(H.self, panel + r * k, w + (j0 + r) * ldW, count: k) }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(rows), Int32(k),
                            1, x, Int32(ldX), panel, Int32(k), beta, out + j0, Int32(ldOut))
                j0 += rows
            }
        }
    }
}

/// The panel buffers of a compute context (`ComputeContext.panels`): kept between calls (a prefill
/// multiplies by every weight of the model, and a fresh 8 MiB per product would be mapped and
/// faulted in each time), one per concurrent caller.
final class PanelScratch: @unchecked Sendable {
    private var free: [FloatBuffer] = []
    private let lock = NSLock()

    func with(count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        lock.lock()
        let index = free.firstIndex { $0.count >= count }
        var buffer = index.map { free.remove(at: $0) }
        lock.unlock()
        if buffer == nil {
            // Grows to the largest panel asked for; smaller buffers are dropped, not hoarded.
            buffer = FloatBuffer(count: count)
        }
        body(buffer!.pointer)
        lock.lock()
        free.removeAll { $0.count < count }
        free.append(buffer!)
        lock.unlock()
    }
}
