import JambaKernels

/// Scratch for one forward call of up to `rows` packed rows, reused across layers and calls. An
/// engine owns one, sized once from its options (a prefill chunk or a decode batch, and a part of
/// attention scratch per thread), so the model stays immutable weights and the layer loop never
/// allocates. Each buffer is named for the activation it holds (shapes in rows × columns).
final class Workspace {
    let config: ModelConfiguration
    /// Most packed rows one forward may hold.
    let rows: Int

    let hidden: FloatBuffer  // [R, d] residual stream
    let normed: FloatBuffer  // [R, d] RMSNorm output, the mixers' input
    // Mamba
    let inProj: FloatBuffer  // [R, 2·d_inner]: xs | z
    let conv: FloatBuffer  // [R, d_inner]
    let xdbc: FloatBuffer  // [R, dt_rank + 2N]: dt | B | C
    let dt: FloatBuffer  // [R, d_inner]
    let scan: FloatBuffer  // [R, d_inner]
    // Attention
    let q: FloatBuffer  // [R, H·hd]
    let k: FloatBuffer  // [R, KVH·hd]
    let v: FloatBuffer  // [R, KVH·hd]
    let attention: FloatBuffer  // [R, H·hd]
    let ropeCos: FloatBuffer  // [R, hd/2] rotary angles of each row, filled
    let ropeSin: FloatBuffer  // [R, hd/2] once per forward for every layer
    let attentionScratch: FloatBuffer
    /// Parts (threads) of attention scratch allocated: the context's threads.
    let attentionParts: Int
    // Feed-forward
    let gate: FloatBuffer  // [R, F]
    let up: FloatBuffer  // [R, F]
    let router: FloatBuffer  // [R, E]
    let gathered: FloatBuffer  // [R, d] rows routed to one expert
    let expertOut: FloatBuffer  // [R, d]
    let routeRows: UnsafeMutablePointer<Int32>  // [R·topK] rows bucketed by expert
    let routeWeights: FloatBuffer  // [R·topK] their routing weights
    let topIndex: UnsafeMutablePointer<Int32>   // [R·topK] experts picked per row
    let topWeight: FloatBuffer  // [R·topK]
    let expertStart: UnsafeMutablePointer<Int>  // [E + 1] bucket offsets
    /// Expert MLPs run so far, over every layer and forward: each reads its expert's weights once,
    /// whatever number of rows it serves (what a decode step's bytes are counted from).
    var expertsRun = 0

    /// Every buffer for `rows` packed rows (at least one), attention scratch for the context's threads.
    init(config c: ModelConfiguration, rows: Int, context: ComputeContext) {
        let n = max(1, rows)
        config = c
        self.rows = n
        attentionParts = context.threads
        attentionScratch = FloatBuffer(count: CausalAttention.scratchCount(heads: c.numAttentionHeads, headDim: c.headDim, parts: context.threads))
        let di = c.dInner, attn = c.numAttentionHeads * c.headDim, kv = c.numKeyValueHeads * c.headDim
        let topK = c.numExpertsPerTok
        hidden = FloatBuffer(count: n * c.hiddenSize)
        normed = FloatBuffer(count: n * c.hiddenSize)
        inProj = FloatBuffer(count: n * 2 * di)
        conv = FloatBuffer(count: n * di)
        xdbc = FloatBuffer(count: n * (c.dtRank + 2 * c.mambaDState))
        dt = FloatBuffer(count: n * di)
        scan = FloatBuffer(count: n * di)
        q = FloatBuffer(count: n * attn)
        k = FloatBuffer(count: n * kv)
        v = FloatBuffer(count: n * kv)
        attention = FloatBuffer(count: n * attn)
        ropeCos = FloatBuffer(count: c.rotary != nil ? n * c.headDim / 2 : 0)
        ropeSin = FloatBuffer(count: c.rotary != nil ? n * c.headDim / 2 : 0)
        gate = FloatBuffer(count: n * c.intermediateSize)
        up = FloatBuffer(count: n * c.intermediateSize)
        router = FloatBuffer(count: n * c.numExperts)
        gathered = FloatBuffer(count: n * c.hiddenSize)
        expertOut = FloatBuffer(count: n * c.hiddenSize)
        routeRows = .allocate(capacity: n * topK)
        topIndex = .allocate(capacity: n * topK)
        routeWeights = FloatBuffer(count: n * topK)
        topWeight = FloatBuffer(count: n * topK)
        expertStart = .allocate(capacity: c.numExperts + 1)
    }

    deinit {
        routeRows.deallocate()
        topIndex.deallocate()
        expertStart.deallocate()
    }
}
