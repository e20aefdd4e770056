/// Mamba-1's selective scan over one sequence, carrying its state.
///
/// Shapes (c = channels = d_inner, N = d_state):
///   x     [T, c]   row stride ldX    (conv output, xc)
///   dt    [T, c]   row stride ldDt   (already softplus'd)
///   B, C  [T, N]   row stride ldBC   (already RMS-normed)
///   A     [N, c]   = -exp(A_log)ᵀ, transposed so one state's 16 channels are one vector
///   D     [c]
///   state [N, c]   in/out; zeros for a new sequence
///   y     [T, c]   row stride ldY:
///     s_t = exp(dt_t ⊙ A) ⊙ s_{t-1} + (dt_t ⊙ x_t) ⊗ B_t;  y_t = s_t · C_t + D ⊙ x_t
///
/// Vectorised over 16 channels at a time (Mamba-1 decays per channel and state, so there is no
/// matmul form); for a block of channels the whole [N, 16] state stays in L1 across all T steps.
/// Channel blocks are split over threads; each (t, channel) sums its states in a fixed order.
public enum SelectiveScan {
    public static func apply(
        _ y: UnsafeMutablePointer<Float>, ldY: Int,
        x: UnsafePointer<Float>, ldX: Int,
        dt: UnsafePointer<Float>, ldDt: Int,
        B: UnsafePointer<Float>, C: UnsafePointer<Float>, ldBC: Int,
        A: UnsafePointer<Float>, D: UnsafePointer<Float>,
        state: UnsafeMutablePointer<Float>,
        steps T: Int, channels c: Int, states N: Int, context: ComputeContext
    ) {
        if T == 0 { return }
        context.forRanges((c + 15) / 16, work: T * c * N * 8) { blocks in
            for b in blocks {
                let c0 = b * 16
                if c0 + 16 <= c {
                    let d = D.vec(c0)
                    for t in 0..<T {
                        let dtv = dt.vec(t * ldDt + c0)
                        let xv = x.vec(t * ldX + c0)
                        let dx = dtv * xv
                        let bt = B + t * ldBC, ct = C + t * ldBC
                        var acc = d * xv
                        for n in 0..<N {
                            let s = FastMath.exp(dtv * A.vec(n * c + c0)) * state.vec(n * c + c0) + dx * bt[n]
                            state.setVec(n * c + c0, s)
                            acc += s * ct[n]
                        }
                        y.setVec(t * ldY + c0, acc)
                    }
                } else {
                    tail(y, ldY: ldY, x: x, ldX: ldX, dt: dt, ldDt: ldDt, B: B, C: C, ldBC: ldBC, A: A, D: D,
                         state: state, steps: T, channels: c, states: N, from: c0)
                }
            }
        }
    }

    /// Channels c0..<c that do not fill a vector, one at a time.
    private static func tail(
        _ y: UnsafeMutablePointer<Float>, ldY: Int,
        x: UnsafePointer<Float>, ldX: Int, dt: UnsafePointer<Float>, ldDt: Int,
        B: UnsafePointer<Float>, C: UnsafePointer<Float>, ldBC: Int,
        A: UnsafePointer<Float>, D: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>,
        steps T: Int, channels c: Int, states N: Int, from c0: Int
    ) {
        for ch in c0..<c {
            for t in 0..<T {
                let dtv = dt[t * ldDt + ch], xv = x[t * ldX + ch]
                var acc = D[ch] * xv
                for n in 0..<N {
                    let s = (dtv * A[n * c + ch]).fastExp * state[n * c + ch] + dtv * xv * B[t * ldBC + n]
                    state[n * c + ch] = s
                    acc += s * C[t * ldBC + n]
                }
                y[t * ldY + ch] = acc
            }
        }
    }
}

extension Float {
    /// The vector exp on one lane, so tail channels round exactly like vector ones.
    @inline(__always) var fastExp: Float { FastMath.exp(Vec16(repeating: self))[0] }
}
