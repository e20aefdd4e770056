import JambaCheckpoint
import JambaKernels

/// down(silu(gate(x)) ⊙ up(x)): transformers' JambaMLP, and each expert of the MoE.
struct GatedMLP {
    let gate: Linear   // [F, d]
    let up: Linear     // [F, d]
    let down: Linear   // [d, F]

    var hidden: Int { gate.inFeatures }
    var intermediate: Int { gate.outFeatures }

    /// out [rows, d] (= or +=) MLP(x [rows, d]); gate and up are [rows, F] scratch.
    func forward(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool,
                 gateScratch: UnsafeMutablePointer<Float>, upScratch: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let f = intermediate
        gate.apply(gateScratch, ldOut: f, x, ldX: hidden, rows: rows, context: context)
        up.apply(upScratch, ldOut: f, x, ldX: hidden, rows: rows, context: context)
        context.forRanges(rows, work: rows * f * 20) { range in
            for r in range { Elementwise.siluMul(gateScratch + r * f, upScratch + r * f, count: f) }
        }
        down.apply(out, ldOut: hidden, gateScratch, ldX: f, rows: rows, accumulate: accumulate, context: context)
    }

    var parameterCount: Int { gate.parameterCount + up.parameterCount + down.parameterCount }
    var byteCount: Int { gate.byteCount + up.byteCount + down.byteCount }
}
