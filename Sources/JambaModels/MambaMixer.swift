import JambaCheckpoint
import JambaKernels
import Foundation

/// Jamba's Mamba-1 mixer (transformers' JambaMambaMixer, DESIGN.md section 2), over packed rows.
/// Projections are GEMMs over all rows of the batch; the conv and the scan walk each sequence.
struct MambaMixer {
    let hidden: Int, channels: Int, dState: Int, kernel: Int, rank: Int
    let eps: Float
    let inProj: Linear        // [2·d_inner, d]
    let convWeight: FloatBuffer   // [K, d_inner], transposed from conv1d.weight [d_inner, 1, K]
    let convBias: Tensor?     // [d_inner]
    let xProj: Linear         // [R + 2N, d_inner]
    let dtNorm: Tensor, bNorm: Tensor, cNorm: Tensor
    let dtProj: Linear        // [d_inner, R]; its bias is added inside softplus below
    let dtBias: Tensor        // [d_inner]
    let negA: FloatBuffer     // [N, d_inner] = -exp(A_log)ᵀ, computed once
    let d: Tensor             // [d_inner]
    let outProj: Linear       // [d, d_inner]

    init(_ source: TensorSource, layer i: Int, config c: ModelConfiguration) throws {
        let n = c.architecture.schema.layer(i)
        hidden = c.hiddenSize; channels = c.dInner; dState = c.mambaDState; kernel = c.mambaDConv; rank = c.dtRank
        eps = Float(c.rmsNormEps)
        inProj = try Linear(source, n.inProj, out: 2 * channels, in: hidden, bias: c.mambaProjBias ? n.inProjBias : nil)
        let conv = try source.tensor(n.conv1d, shape: [channels, 1, kernel])
        convWeight = FloatBuffer(count: kernel * channels)
        for ch in 0..<channels { for k in 0..<kernel { convWeight.pointer[k * channels + ch] = conv.pointer[ch * kernel + k] } }
        convBias = c.mambaConvBias ? try source.tensor(n.conv1dBias, shape: [channels]) : nil
        xProj = try Linear(source, n.xProj, out: rank + 2 * dState, in: channels)
        dtNorm = try source.tensor(n.dtNorm, shape: [rank])
        bNorm = try source.tensor(n.bNorm, shape: [dState])
        cNorm = try source.tensor(n.cNorm, shape: [dState])
        dtProj = try Linear(source, n.dtProj, out: channels, in: rank)
        dtBias = try source.tensor(n.dtProjBias, shape: [channels])
        let aLog = try source.tensor(n.aLog, shape: [channels, dState])
        negA = FloatBuffer(count: dState * channels)
        for ch in 0..<channels { for s in 0..<dState {
            negA.pointer[s * channels + ch] = -Foundation.exp(aLog.pointer[ch * dState + s])
        } }
        d = try source.tensor(n.d, shape: [channels])
        outProj = try Linear(source, n.outProj, out: hidden, in: channels, bias: c.mambaProjBias ? n.outProjBias : nil)
    }

    /// h [R, d] += Mamba(x [R, d]); each sequence's conv and SSM state carried in `states`.
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, batch: PackedBatch,
                 states: [SequenceState], layer: Int, ws: Workspace, context: ComputeContext) {
        let rows = batch.rows, di = channels, wide = 2 * channels, bcw = rank + 2 * dState
        let proj = ws.inProj.pointer, xc = ws.conv.pointer, dbc = ws.xdbc.pointer
        let dt = ws.dt.pointer, y = ws.scan.pointer
        // [xs | z] = x · in_projᵀ
        context.measure("mamba.in_proj") { inProj.apply(proj, ldOut: wide, x, ldX: hidden, rows: rows, context: context) }
        // xc = silu(causal_conv1d(xs)), per sequence, continuing from its conv state
        context.measure("mamba.conv") {
        for s in 0..<batch.count where batch.lengths[s] > 0 {
            let o = batch.offsets[s]
            CausalConv1D.apply(xc + o * di, ldOut: di, proj + o * wide, ldX: wide,
                               weight: convWeight.pointer, bias: convBias?.pointer, state: states[s].mamba(layer).conv.pointer,
                               steps: batch.lengths[s], channels: di, kernel: kernel, context: context)
        }
        }
        // [dt | B | C] = xc · x_projᵀ, each part RMS-normed in place
        context.measure("mamba.x_proj") { xProj.apply(dbc, ldOut: bcw, xc, ldX: di, rows: rows, context: context) }
        RMSNorm.apply(dbc, ldOut: bcw, dbc, ldX: bcw, weight: dtNorm.pointer, rows: rows, dim: rank, eps: eps)
        RMSNorm.apply(dbc + rank, ldOut: bcw, dbc + rank, ldX: bcw, weight: bNorm.pointer, rows: rows, dim: dState, eps: eps)
        RMSNorm.apply(dbc + rank + dState, ldOut: bcw, dbc + rank + dState, ldX: bcw, weight: cNorm.pointer,
                      rows: rows, dim: dState, eps: eps)
        // dt = softplus(dt · dt_projᵀ + bias)
        context.measure("mamba.dt_proj") { dtProj.apply(dt, ldOut: di, dbc, ldX: bcw, rows: rows, context: context) }
        context.measure("mamba.softplus") {
        context.forRanges(rows, work: rows * di * 40) { range in
            for r in range { Elementwise.softplusBias(dt + r * di, dtBias.pointer, count: di) }
        }
        }
        // y = scan(xc, dt, A, B, C) + D ⊙ xc, per sequence, continuing from its SSM state
        context.measure("mamba.scan") {
        for s in 0..<batch.count where batch.lengths[s] > 0 {
            let o = batch.offsets[s]
            SelectiveScan.apply(y + o * di, ldY: di, x: xc + o * di, ldX: di, dt: dt + o * di, ldDt: di,
                                B: dbc + o * bcw + rank, C: dbc + o * bcw + rank + dState, ldBC: bcw,
                                A: negA.pointer, D: d.pointer, state: states[s].mamba(layer).ssm.pointer,
                                steps: batch.lengths[s], channels: di, states: dState, context: context)
        }
        }
        // y ⊙= silu(z);  h += y · out_projᵀ
        context.measure("mamba.gate") {
        context.forRanges(rows, work: rows * di * 20) { range in
            for r in range { Elementwise.mulSiLU(y + r * di, proj + r * wide + di, count: di) }
        }
        }
        context.measure("mamba.out_proj") { outProj.apply(h, ldOut: hidden, y, ldX: di, rows: rows, accumulate: true, context: context) }
    }

    /// The projections as stored; the conv, norms, dt bias, A and D in Float32.
    var byteCount: Int {
        let projections = [inProj, xProj, dtProj, outProj]
        return projections.reduce(0) { $0 + $1.byteCount } + 4 * (parameterCount - projections.reduce(0) { $0 + $1.parameterCount })
    }

    var parameterCount: Int {
        inProj.parameterCount + convWeight.count + (convBias?.count ?? 0) + xProj.parameterCount
            + rank + 2 * dState + dtProj.parameterCount + dtBias.count + negA.count + d.count + outProj.parameterCount
    }
}
