import Foundation

/// Naive twins of the kernels: the equations of DESIGN.md section 2 as plain loops over arrays,
/// with no blocking, vectors or threads. Tests compare every kernel against its twin; nothing on
/// the hot path calls these.
public enum Naive {
    /// x [m, k] · Wᵀ, W [n, k] → [m, n]
    public static func linear(_ x: [Float], _ w: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s: Float = 0
            for p in 0..<k { s += x[i * k + p] * w[j * k + p] }
            out[i * n + j] = s
        } }
        return out
    }

    /// x [m, k] · Wᵀ with W [n, k] stored as 16-bit patterns, each widened by the scalar
    /// conversion (Float16's for F16, a shift for BF16): the twin of HalfSkinnyGEMM and PanelGEMM.
    public static func halfLinear(_ x: [Float], _ w: [UInt16], bf16: Bool, m: Int, n: Int, k: Int) -> [Float] {
        let wide = w.map { bf16 ? Float(bitPattern: UInt32($0) << 16) : Float(Float16(bitPattern: $0)) }
        return linear(x, wide, m: m, n: n, k: k)
    }

    public static func rmsNorm(_ x: [Float], weight: [Float], rows: Int, dim: Int, eps: Float) -> [Float] {
        var out = x
        for r in 0..<rows {
            var ss: Float = 0
            for i in 0..<dim { ss += x[r * dim + i] * x[r * dim + i] }
            let scale = 1 / (ss / Float(dim) + eps).squareRoot()
            for i in 0..<dim { out[r * dim + i] = weight[i] * (x[r * dim + i] * scale) }
        }
        return out
    }

    public static func silu(_ x: Float) -> Float { x / (1 + exp(-x)) }

    /// x [T, c], weight as in the checkpoint [c, K], state [K-1, c] → (silu(conv) [T, c], new state)
    public static func causalConv1D(_ x: [Float], weight: [Float], bias: [Float]?, state: [Float],
                                    steps T: Int, channels c: Int, kernel K: Int) -> (out: [Float], state: [Float]) {
        let padded = state + x          // [(K-1) + T, c]
        var out = [Float](repeating: 0, count: T * c)
        for t in 0..<T { for ch in 0..<c {
            var s = bias?[ch] ?? 0
            for k in 0..<K { s += weight[ch * K + k] * padded[(t + k) * c + ch] }
            out[t * c + ch] = silu(s)
        } }
        let rows = K - 1 + T
        return (out, Array(padded[((rows - (K - 1)) * c)...]))
    }

    /// The scan with A given as A_log [c, N] and state [c, N], as transformers lays them out.
    public static func selectiveScan(x: [Float], dt: [Float], B: [Float], C: [Float], Alog: [Float], D: [Float],
                                     state: [Float], steps T: Int, channels c: Int, states N: Int) -> (y: [Float], state: [Float]) {
        var s = state
        var y = [Float](repeating: 0, count: T * c)
        for t in 0..<T { for ch in 0..<c {
            var acc: Float = 0
            for n in 0..<N {
                let a = -exp(Alog[ch * N + n])
                s[ch * N + n] = exp(dt[t * c + ch] * a) * s[ch * N + n] + dt[t * c + ch] * x[t * c + ch] * B[t * N + n]
                acc += s[ch * N + n] * C[t * N + n]
            }
            y[t * c + ch] = acc + D[ch] * x[t * c + ch]
        } }
        return (y, s)
    }

    /// Full-matrix causal attention; q [T, H·hd], k and v [S, KVH·hd], query i at position S-T+i,
    /// seeing keys j with pos - window < j ≤ pos (all keys up to pos when window is nil).
    public static func causalAttention(q: [Float], k: [Float], v: [Float], queries T: Int, keys S: Int,
                                       heads H: Int, kvHeads KVH: Int, headDim hd: Int, window: Int? = nil) -> [Float] {
        var out = [Float](repeating: 0, count: T * H * hd)
        let scale = 1 / Float(hd).squareRoot()
        for h in 0..<H {
            let kvh = h / (H / KVH)
            for i in 0..<T {
                let pos = S - T + i
                let first = window.map { max(0, pos - $0 + 1) } ?? 0
                var scores = [Float](repeating: -.infinity, count: pos + 1)
                for j in first...pos {
                    var s: Float = 0
                    for d in 0..<hd { s += q[i * H * hd + h * hd + d] * k[j * KVH * hd + kvh * hd + d] }
                    scores[j] = s * scale
                }
                let m = scores.max()!
                let e = scores.map { $0 == -.infinity ? 0 : exp($0 - m) }
                let z = e.reduce(0, +)
                for d in 0..<hd {
                    var s: Float = 0
                    for j in 0...pos { s += e[j] / z * v[j * KVH * hd + kvh * hd + d] }
                    out[i * H * hd + h * hd + d] = s
                }
            }
        }
        return out
    }

    /// Rotary embedding, rotate-half convention: x [R, H·hd] rotated at positions[r] by
    /// angles positions[r] · invFreq[i], computed in Double.
    public static func rotary(_ x: [Float], rows R: Int, heads H: Int, headDim hd: Int, positions: [Int],
                              inverseFrequencies inv: [Float]) -> [Float] {
        var out = x
        let half = hd / 2
        for r in 0..<R { for h in 0..<H { for i in 0..<half {
            let angle = Double(positions[r]) * Double(inv[i])
            let a = Double(x[r * H * hd + h * hd + i]), b = Double(x[r * H * hd + h * hd + i + half])
            out[r * H * hd + h * hd + i] = Float(a * cos(angle) - b * sin(angle))
            out[r * H * hd + h * hd + i + half] = Float(b * cos(angle) + a * sin(angle))
        } } }
        return out
    }
}
