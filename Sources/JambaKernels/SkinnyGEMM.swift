/// x · Wᵀ for a few rows: the shape of decode at batch 2…8 (and of an expert that a few tokens
/// routed to). OpenBLAS's sgemm packs the whole weight panel before multiplying, which for a
/// handful of rows costs as much as the product itself and reads the weight twice; here each
/// weight row is streamed from memory once and met by every x row while it sits in L1, so the
/// product runs at the speed the weights can be read (decode is bound by that, DESIGN.md §6).
///
/// Shapes:
///   x    [m, k]  row stride ldX, m ≤ maxRows (held in cache for the whole call)
///   w    [n, k]  row stride ldW (nn.Linear layout)
///   out  [m, n]  row stride ldOut; = x · Wᵀ, or += with accumulate
/// Threads split the n output columns; each output is one dot product in a fixed order, so the
/// result is the same for any thread count.
public enum SkinnyGEMM {
    public static let maxRows = 8

    public static func apply(_ out: UnsafeMutablePointer<Float>, ldOut: Int, _ x: UnsafePointer<Float>, ldX: Int,
                             _ w: UnsafePointer<Float>, ldW: Int, m: Int, n: Int, k: Int, accumulate: Bool,
                             context: ComputeContext) {
        precondition(m >= 1 && m <= maxRows)
        context.forRanges(n, work: m * n * k) { range in
            for j in range {
                let wRow = w + j * ldW
                // Four x rows at a time: four 16-lane accumulators, the weight chunk and an x chunk
                // stay in registers (AVX2 has 16). addProduct, not `+= x * w`: Swift does not fuse a
                // separate multiply and add, and with FMA the loop issues half the instructions
                // (perf showed this loop multiply-bound at batch 8); &+ keeps overflow checks out of it.
                var i0 = 0
                while i0 < m {
                    let rows = min(4, m - i0)
                    let x0 = x + i0 * ldX
                    var a0 = Vec16(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                    var p = 0
                    switch rows {
                    case 4:
                        let x1 = x0 + ldX, x2 = x1 + ldX, x3 = x2 + ldX
                        while p &+ 16 <= k {
                            let wv = wRow.vec(p)
                            a0.addProduct(x0.vec(p), wv); a1.addProduct(x1.vec(p), wv); a2.addProduct(x2.vec(p), wv); a3.addProduct(x3.vec(p), wv)
                            p &+= 16
                        }
                    case 3:
                        let x1 = x0 + ldX, x2 = x1 + ldX
                        while p &+ 16 <= k {
                            let wv = wRow.vec(p)
                            a0.addProduct(x0.vec(p), wv); a1.addProduct(x1.vec(p), wv); a2.addProduct(x2.vec(p), wv)
                            p &+= 16
                        }
                    case 2:
                        let x1 = x0 + ldX
                        while p &+ 16 <= k {
                            let wv = wRow.vec(p)
                            a0.addProduct(x0.vec(p), wv); a1.addProduct(x1.vec(p), wv)
                            p &+= 16
                        }
                    default:
                        while p &+ 16 <= k { a0.addProduct(x0.vec(p), wRow.vec(p)); p &+= 16 }
                    }
                    // Lanes summed, then the k % 16 tail, then stored.
                    func finish(_ r: Int, _ acc: Vec16) {
                        let xr = x0 + r * ldX
                        var s = acc.sum()
                        var q = p
                        while q < k { s += xr[q] * wRow[q]; q += 1 }
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
}
