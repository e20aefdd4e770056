import COpenBLAS

/// Thin, typed wrappers over OpenBLAS. Every matrix product of the engine goes through here.
///
/// All matrices are row-major Float32. Weights are stored as in PyTorch's nn.Linear, [out, in], so
/// the common product is x · Wᵀ.
public enum BLAS {
    /// out [m, n] (ldOut) = alpha · x [m, k] (ldX) · Wᵀ, W [n, k] (ldW) (+ beta · out).
    ///
    /// With m == 1 this calls sgemv: OpenBLAS's sgemm with one row runs 3-10× slower than its sgemv
    /// (DESIGN.md section 6), and decode at batch 1 is exactly that shape. Two to
    /// SkinnyGEMM.maxRows rows (batched decode) go to SkinnyGEMM; the rest to sgemm.
    @inline(__always)
    public static func linear(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        _ x: UnsafePointer<Float>, ldX: Int,
        _ w: UnsafePointer<Float>, ldW: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0, context: ComputeContext
    ) {
        if m == 0 || n == 0 { return }
        // One row inside a decode step (batch 1, or an expert one token routed to) finds OpenBLAS
        // held to one thread (`ComputeContext.withEngineKernels`): SkinnyGEMM takes it on the
        // engine's threads (it also reads faster than sgemv, see its note). Elsewhere (the last row
        // of a prompt outside a step) one row stays OpenBLAS's threaded sgemv.
        if m == 1 && !context.oneRowOnEngineKernels {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, w, Int32(ldW), x, 1, beta, out, 1)
        } else if m <= SkinnyGEMM.maxRows && alpha == 1 && (beta == 0 || beta == 1) {
            // A few rows (batched decode, a lightly routed expert): stream the weight once, on the
            // engine's threads (OpenBLAS's sgemm packs the whole weight panel first).
            SkinnyGEMM.apply(out, ldOut: ldOut, x, ldX: ldX, w, ldW: ldW, m: m, n: n, k: k, accumulate: beta == 1, context: context)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                        alpha, x, Int32(ldX), w, Int32(ldW), beta, out, Int32(ldOut))
        }
    }

    /// out [m, n] (ldOut) = x [m, k] (ldX) · Wᵀ (+ beta · out, beta 0 or 1) for a weight in any
    /// stored format. Float32 goes to the Float32 path above; BF16 and F16 stay as stored: one to
    /// SkinnyGEMM.maxRows rows (decode) to HalfSkinnyGEMM, which widens in registers; more rows
    /// (prefill) to PanelGEMM, which widens a panel at a time ahead of sgemm.
    @inline(__always)
    public static func linear(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        _ x: UnsafePointer<Float>, ldX: Int,
        _ w: WeightData, ldW: Int,
        m: Int, n: Int, k: Int, beta: Float = 0, context: ComputeContext
    ) {
        precondition(beta == 0 || beta == 1, "beta must be 0 or 1")
        if m == 0 || n == 0 { return }
        switch w {
        case .f32(let p):
            linear(out, ldOut: ldOut, x, ldX: ldX, p, ldW: ldW, m: m, n: n, k: k, beta: beta, context: context)
        case .bf16(let p) where m <= HalfSkinnyGEMM.maxRows:
            HalfSkinnyGEMM.apply(BF16.self, out, ldOut: ldOut, x, ldX: ldX, p, ldW: ldW, m: m, n: n, k: k, accumulate: beta == 1, context: context)
        case .f16(let p) where m <= HalfSkinnyGEMM.maxRows:
            HalfSkinnyGEMM.apply(F16.self, out, ldOut: ldOut, x, ldX: ldX, p, ldW: ldW, m: m, n: n, k: k, accumulate: beta == 1, context: context)
        case .bf16(let p):
            PanelGEMM.apply(BF16.self, out, ldOut: ldOut, x, ldX: ldX, p, ldW: ldW, m: m, n: n, k: k, beta: beta, context: context)
        case .f16(let p):
            PanelGEMM.apply(F16.self, out, ldOut: ldOut, x, ldX: ldX, p, ldW: ldW, m: m, n: n, k: k, beta: beta, context: context)
        }
    }

    /// out [m, n] = alpha · a [m, k] · b [k, n] (+ beta · out), b not transposed.
    @inline(__always)
    public static func matmul(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        _ a: UnsafePointer<Float>, ldA: Int,
        _ b: UnsafePointer<Float>, ldB: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        if m == 0 || n == 0 { return }
        if m == 1 {
            // out [n] = bᵀ [n, k] · a [k]: sgemv over b read transposed.
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, b, Int32(ldB), a, 1, beta, out, 1)
            return
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(ldA), b, Int32(ldB), beta, out, Int32(ldOut))
    }

    /// The kernel family OpenBLAS picked at load (e.g. "Haswell", "Cooperlake"): benchmarks record it
    /// because it changes sgemm speed by 2× on the same machine.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS build configuration string (version, threading model).
    public static var configString: String { String(cString: openblas_get_config()) }
}
