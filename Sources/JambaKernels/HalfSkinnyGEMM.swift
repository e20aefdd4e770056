/// x · Wᵀ with W stored in 16 bits (BF16 or F16) and x, out in Float32, for one to eight rows:
/// decode at batch 1 (a GEMV) and batched decode (the shape of `SkinnyGEMM`). Decode is bound by
/// the weight bytes read (DESIGN.md §6), so reading 2 bytes per weight instead of 4 is the whole
/// point: each weight row is streamed once, widened to Float32 in registers (exactly) and met by
/// every x row while it sits in L1.
///
/// Shapes:
///   x    [m, k]  Float32, row stride ldX, 1 ≤ m ≤ maxRows
///   w    [n, k]  H (BF16 or F16), row stride ldW (nn.Linear layout)
///   out  [m, n]  Float32, row stride ldOut; = x · Wᵀ, or += with accumulate
/// Vec16 is one AVX-512 register when the build targets an AVX-512 CPU (`make` picks znver4 or
/// icelake-server from /proc/cpuinfo), two AVX2 registers on haswell. Threads split the n output
/// columns; each output is one dot product in a fixed order, so the result is the same for any
/// thread count. The naive twin is `Naive.halfLinear`.
public enum HalfSkinnyGEMM {
    public static let maxRows = SkinnyGEMM.maxRows

    public static func apply<H: HalfFormat>(_ format: H.Type, _ out: UnsafeMutablePointer<Float>, ldOut: Int,
                                            _ x: UnsafePointer<Float>, ldX: Int, _ w: UnsafePointer<UInt16>, ldW: Int,
                                            m: Int, n: Int, k: Int, accumulate: Bool) {
        precondition(m >= 1 && m <= maxRows)
        Parallel.forRanges(n, work: m * n * k) { range in
            if m == 1 {
                for j in range { gemvRow(H.self, out + j, x, w + j * ldW, k: k, accumulate: accumulate) }
                return
            }
            for j in range {
                let wRow = UnsafeRawPointer(w + j * ldW)
                var i0 = 0
                while i0 < m {
                    let rows = min(4, m - i0)
                    let x0 = x + i0 * ldX, x1 = x0 + ldX, x2 = x1 + ldX, x3 = x2 + ldX
                    var a0 = Vec16(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                    var p = 0
                    // Rows past `rows` are never loaded: each case reads only the x rows it has.
                    switch rows {
                    case 4:
                        while p + 16 <= k {
                            let wv = H.widen(wRow.loadUnaligned(fromByteOffset: 2 * p, as: SIMD16<UInt16>.self))
                            a0 += x0.vec(p) * wv; a1 += x1.vec(p) * wv; a2 += x2.vec(p) * wv; a3 += x3.vec(p) * wv
                            p += 16
                        }
                    case 3:
                        while p + 16 <= k {
                            let wv = H.widen(wRow.loadUnaligned(fromByteOffset: 2 * p, as: SIMD16<UInt16>.self))
                            a0 += x0.vec(p) * wv; a1 += x1.vec(p) * wv; a2 += x2.vec(p) * wv
                            p += 16
                        }
                    case 2:
                        while p + 16 <= k {
                            let wv = H.widen(wRow.loadUnaligned(fromByteOffset: 2 * p, as: SIMD16<UInt16>.self))
                            a0 += x0.vec(p) * wv; a1 += x1.vec(p) * wv
                            p += 16
                        }
                    default:
                        while p + 16 <= k {
                            a0 += x0.vec(p) * H.widen(wRow.loadUnaligned(fromByteOffset: 2 * p, as: SIMD16<UInt16>.self))
                            p += 16
                        }
                    }
                    func finish(_ r: Int, _ acc: Vec16) {
                        let xr = x0 + r * ldX
                        var s = acc.sum()
                        var q = p
                        while q < k { s += xr[q] * H.float(wRow.load(fromByteOffset: 2 * q, as: UInt16.self)); q += 1 }
                        let o = out + (i0 + r) * ldOut + j
                        o.pointee = accumulate ? o.pointee + s : s
                    }
                    finish(0, a0)
                    if rows > 1 { finish(1, a1) }
                    if rows > 2 { finish(2, a2) }
                    if rows > 3 { finish(3, a3) }
                    i0 += rows
                }
            }
        }
    }

    /// One output of a GEMV: four independent accumulators (64 weights per step) so the FMA
    /// latency is hidden and the loop runs at the speed the row streams in from memory.
    @inline(__always)
    static func gemvRow<H: HalfFormat>(_: H.Type, _ o: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                       _ w: UnsafePointer<UInt16>, k: Int, accumulate: Bool) {
        let raw = UnsafeRawPointer(w)
        @inline(__always) func wv(_ p: Int) -> Vec16 { H.widen(raw.loadUnaligned(fromByteOffset: 2 * p, as: SIMD16<UInt16>.self)) }
        var a0 = Vec16(repeating: 0), a1 = a0, a2 = a0, a3 = a0
        var p = 0
        while p + 64 <= k {
            a0 += x.vec(p) * wv(p); a1 += x.vec(p + 16) * wv(p + 16)
            a2 += x.vec(p + 32) * wv(p + 32); a3 += x.vec(p + 48) * wv(p + 48)
            p += 64
        }
        while p + 16 <= k { a0 += x.vec(p) * wv(p); p += 16 }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while p < k { s += x[p] * H.float(w[p]); p += 1 }
        o.pointee = accumulate ? o.pointee + s : s
    }
}
