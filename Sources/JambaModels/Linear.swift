import JambaCheckpoint
import JambaKernels

/// An nn.Linear: weight [out, in] (+ bias [out]), applied to rows as x · Wᵀ (+ b) through BLAS.
/// The weight stays in its stored format (Float32, BF16 or F16; BLAS.linear picks the kernel).
struct Linear {
    let weight: Tensor
    let bias: Tensor?
    var outFeatures: Int { weight.shape[0] }
    var inFeatures: Int { weight.shape[1] }

    init(_ source: TensorSource, _ name: String, out: Int, in inFeatures: Int, bias biasName: String? = nil) throws {
        weight = try source.matrix(name, shape: [out, inFeatures])
        bias = try biasName.map { try source.tensor($0, shape: [out]) }
    }

    init(weight: Tensor) { self.weight = weight; bias = nil }

    /// out [rows, out] (ldOut) = x [rows, in] (ldX) · Wᵀ + b; with accumulate, out += instead
    /// (how residual additions come for free: BLAS's beta = 1).
    func apply(_ out: UnsafeMutablePointer<Float>, ldOut: Int, _ x: UnsafePointer<Float>, ldX: Int,
               rows: Int, accumulate: Bool = false, context: ComputeContext) {
        BLAS.linear(out, ldOut: ldOut, x, ldX: ldX, weight.data, ldW: inFeatures,
                    m: rows, n: outFeatures, k: inFeatures, beta: accumulate ? 1 : 0, context: context)
        if let b = bias {
            for r in 0..<rows { Elementwise.add(out + r * ldOut, b.pointer, count: outFeatures) }
        }
    }

    var parameterCount: Int { weight.count + (bias?.count ?? 0) }
    /// Bytes held: the weight as stored, the bias in Float32.
    var byteCount: Int { weight.byteCount + 4 * (bias?.count ?? 0) }
}
