/// Small elementwise kernels over contiguous runs. Each loops 16 lanes at a time with a scalar tail.
public enum Elementwise {
    /// a [n] ← silu(a) ⊙ b [n]: the gated MLP's activation (gate in a, up in b).
    public static func siluMul(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n { a.setVec(i, FastMath.silu(a.vec(i)) * b.vec(i)); i += 16 }
        while i < n { a[i] = FastMath.silu(a[i]) * b[i]; i += 1 }
    }

    /// y [n] ← y ⊙ silu(z [n]): the Mamba output gate.
    public static func mulSiLU(_ y: UnsafeMutablePointer<Float>, _ z: UnsafePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n { y.setVec(i, y.vec(i) * FastMath.silu(z.vec(i))); i += 16 }
        while i < n { y[i] = y[i] * FastMath.silu(z[i]); i += 1 }
    }

    /// x [n] ← softplus(x + bias [n]): Mamba's dt after dt_proj.
    public static func softplusBias(_ x: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n { x.setVec(i, FastMath.softplus(x.vec(i) + bias.vec(i))); i += 16 }
        while i < n { x[i] = FastMath.softplus(x[i] + bias[i]); i += 1 }
    }

    /// y [n] += alpha · x [n].
    public static func addScaled(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, alpha: Float, count n: Int) {
        var i = 0
        while i + 16 <= n { y.setVec(i, y.vec(i) + alpha * x.vec(i)); i += 16 }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    /// y [n] += x [n].
    public static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n { y.setVec(i, y.vec(i) + x.vec(i)); i += 16 }
        while i < n { y[i] += x[i]; i += 1 }
    }
}
