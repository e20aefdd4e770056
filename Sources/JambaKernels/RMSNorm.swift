/// RMSNorm over rows, as transformers' JambaRMSNorm: out = w ⊙ (x / sqrt(mean(x²) + eps)).
///
/// x [rows, dim] (row stride ldX) · w [dim] → out [rows, dim] (row stride ldOut). out may be x.
public enum RMSNorm {
    public static func apply(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        _ x: UnsafePointer<Float>, ldX: Int,
        weight w: UnsafePointer<Float>, rows: Int, dim: Int, eps: Float
    ) {
        for r in 0..<rows {
            let xr = x + r * ldX, o = out + r * ldOut
            var acc = Vec16(repeating: 0)
            var i = 0
            while i + 16 <= dim { let v = xr.vec(i); acc += v * v; i += 16 }
            var ss = acc.sum()
            while i < dim { ss += xr[i] * xr[i]; i += 1 }
            let scale = 1 / (ss / Float(dim) + eps).squareRoot()
            i = 0
            while i + 16 <= dim { o.setVec(i, w.vec(i) * (xr.vec(i) * scale)); i += 16 }
            while i < dim { o[i] = w[i] * (xr[i] * scale); i += 1 }
        }
    }
}
