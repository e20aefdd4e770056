import CCPUID

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
///   xp   [m, k]  scratch: each x row permuted per block of 32 columns into its 16 even columns
///                then its 16 odd ones, the order `HalfFormat.pairs` widens a block of weights in
///                (so no lane shuffle is needed in the loop); the k % 32 tail stays in place
/// Vec16 is one AVX-512 register when the build targets an AVX-512 CPU (`make` picks znver4 or
/// icelake-server from /proc/cpuinfo), two AVX2 registers on haswell. Threads split the n output
/// columns; each output is one dot product in a fixed order, so the result is the same for any
/// thread count. The naive twin is `Naive.halfLinear`.
public enum HalfSkinnyGEMM {
    public static let maxRows = SkinnyGEMM.maxRows
    /// Weights below which a product is not split over threads.
    static let forkWeights = 1 << 16
    /// Bytes ahead of the block being read that are prefetched.
    static let prefetchDistance = 2048

    public static func apply<H: HalfFormat>(_ format: H.Type, _ out: UnsafeMutablePointer<Float>, ldOut: Int,
                                            _ x: UnsafePointer<Float>, ldX: Int, _ w: UnsafePointer<UInt16>, ldW: Int,
                                            m: Int, n: Int, k: Int, accumulate: Bool,
                                            context: ComputeContext) {
        precondition(m >= 1 && m <= maxRows)
        let blocks = k / 32, body = blocks * 32
        context.panels.with(count: m * k) { xp in
            for r in 0..<m {
                let src = x + r * ldX, dst = xp + r * k
                for b in 0..<blocks {
                    for i in 0..<16 {
                        dst[32 * b + i] = src[32 * b + 2 * i]
                        dst[32 * b + 16 + i] = src[32 * b + 2 * i + 1]
                    }
                }
                for p in body..<k { dst[p] = src[p] }
            }
            let xq = UnsafePointer(xp)
            // Split over the engine's threads by SpinTeam (its helpers spin between the products of
            // a decode step instead of sleeping); products under 64K weights stay on this thread,
            // about as short as the hand-over.
            SpinTeam.shared.forRanges(n, threads: n * k >= Self.forkWeights ? context.threads : 1) { range in
                for j in range {
                    let wRow = w + j * ldW, raw = UnsafeRawPointer(wRow)
                    // Each block asks for the line 2 KiB ahead (rows are contiguous, so this runs into
                    // the next rows): the hardware prefetcher alone kept too few reads in flight
                    // (measured on one thread: 1.3× the decode speed of Float32 weights, 1.7× with it).
                    @inline(__always) func block(_ b: Int) -> (even: Vec16, odd: Vec16) {
                        jamba_prefetch(raw + 64 * b + Self.prefetchDistance)
                        return H.pairs(raw.loadUnaligned(fromByteOffset: 64 * b, as: SIMD16<UInt32>.self))
                    }
                    @inline(__always) func store(_ r: Int, _ acc: Vec16) {
                        var s = acc.sum()
                        let xr = x + r * ldX
                        for q in body..<k { s += xr[q] * H.float(wRow[q]) }
                        let o = out + r * ldOut + j
                        o.pointee = accumulate ? o.pointee + s : s
                    }
                    if m == 1 {
                        // Two chains (even and odd halves), so the add latency is hidden.
                        var e = Vec16(repeating: 0), o = e
                        for b in 0..<blocks {
                            let wv = block(b)
                            e.addProduct(xq.vec(32 * b), wv.even)
                            o.addProduct(xq.vec(32 * b + 16), wv.odd)
                        }
                        store(0, e + o)
                        continue
                    }
                    // Up to four x rows per pass over the weight row (registers: four accumulators,
                    // the widened block and the products fit AVX2's sixteen).
                    var r0 = 0
                    while r0 < m {
                        let rows = min(4, m - r0)
                        let x0 = xq + r0 * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k
                        var a0 = Vec16(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                        switch rows {
                        case 4:
                            for b in 0..<blocks {
                                let wv = block(b), p = 32 * b
                                a0.addProduct(x0.vec(p), wv.even); a0.addProduct(x0.vec(p + 16), wv.odd)
                                a1.addProduct(x1.vec(p), wv.even); a1.addProduct(x1.vec(p + 16), wv.odd)
                                a2.addProduct(x2.vec(p), wv.even); a2.addProduct(x2.vec(p + 16), wv.odd)
                                a3.addProduct(x3.vec(p), wv.even); a3.addProduct(x3.vec(p + 16), wv.odd)
                            }
                        case 3:
                            for b in 0..<blocks {
                                let wv = block(b), p = 32 * b
                                a0.addProduct(x0.vec(p), wv.even); a0.addProduct(x0.vec(p + 16), wv.odd)
                                a1.addProduct(x1.vec(p), wv.even); a1.addProduct(x1.vec(p + 16), wv.odd)
                                a2.addProduct(x2.vec(p), wv.even); a2.addProduct(x2.vec(p + 16), wv.odd)
                            }
                        case 2:
                            for b in 0..<blocks {
                                let wv = block(b), p = 32 * b
                                a0.addProduct(x0.vec(p), wv.even); a0.addProduct(x0.vec(p + 16), wv.odd)
                                a1.addProduct(x1.vec(p), wv.even); a1.addProduct(x1.vec(p + 16), wv.odd)
                            }
                        default:
                            for b in 0..<blocks {
                                let wv = block(b), p = 32 * b
                                a0.addProduct(x0.vec(p), wv.even); a0.addProduct(x0.vec(p + 16), wv.odd)
                            }
                        }
                        store(r0, a0)
                        if rows > 1 { store(r0 + 1, a1) }
                        if rows > 2 { store(r0 + 2, a2) }
                        if rows > 3 { store(r0 + 3, a3) }
                        r0 += rows
                    }
                }
            }
        }
    }
}
