/// Mamba's depthwise causal convolution with SiLU, over one sequence, carrying its state.
///
/// Shapes (c = channels = d_inner, K = kernel width):
///   x      [T, c]      row stride ldX (the xs half of in_proj's output)
///   weight [K, c]      transposed from the checkpoint's conv1d.weight [c, 1, K] so 16 channels load
///                      as one vector; tap K-1 multiplies the current input
///   bias   [c]         or nil
///   state  [K-1, c]    the K-1 inputs before x[0], oldest first; zeros for a new sequence.
///                      Updated in place to the last K-1 inputs.
///   out    [T, c]      row stride ldOut = silu(bias + Σ_k weight[k] ⊙ input[t - (K-1) + k])
public enum CausalConv1D {
    public static func apply(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        _ x: UnsafePointer<Float>, ldX: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        state: UnsafeMutablePointer<Float>,
        steps T: Int, channels c: Int, kernel K: Int, context: ComputeContext
    ) {
        if T == 0 { return }
        // Row j of the virtual input: j < 0 reads the carried state, j ≥ 0 reads x.
        @inline(__always) func row(_ j: Int) -> UnsafePointer<Float> {
            j < 0 ? UnsafePointer(state + (K - 1 + j) * c) : x + j * ldX
        }
        context.forRanges((c + 15) / 16, work: T * c * K) { blocks in
            for t in 0..<T {
                let o = out + t * ldOut
                for b in blocks {
                    let c0 = b * 16
                    if c0 + 16 <= c {
                        var acc = bias.map { $0.vec(c0) } ?? Vec16(repeating: 0)
                        for k in 0..<K { acc += weight.vec(k * c + c0) * row(t - (K - 1) + k).vec(c0) }
                        o.setVec(c0, FastMath.silu(acc))
                    } else {
                        for ch in c0..<c {
                            var acc = bias?[ch] ?? 0
                            for k in 0..<K { acc += weight[k * c + ch] * row(t - (K - 1) + k)[ch] }
                            o[ch] = FastMath.silu(acc)
                        }
                    }
                }
            }
        }
        // Keep the last K-1 inputs. When T < K-1 part of the old state survives: shift it first.
        let keep = K - 1
        if keep == 0 { return }
        if T >= keep {
            for j in 0..<keep { (state + j * c).update(from: x + (T - keep + j) * ldX, count: c) }
        } else {
            let shift = keep - T
            for j in 0..<shift { (state + j * c).update(from: state + (j + T) * c, count: c) }
            for j in 0..<T { (state + (shift + j) * c).update(from: x + j * ldX, count: c) }
        }
    }
}
