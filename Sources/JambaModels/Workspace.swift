import JambaKernels

/// Scratch for one forward call, sized for a number of packed rows and reused across layers and
/// calls; it only grows when a batch needs more rows than any before it, so the layer loop never
/// allocates. Each buffer is named for the activation it holds (shapes in rows × columns).
final class Workspace {
    let config: ModelConfiguration
    private(set) var rows = 0

    private(set) var hidden = FloatBuffer(count: 0)       // [R, d] residual stream
    private(set) var normed = FloatBuffer(count: 0)       // [R, d] RMSNorm output, the mixers' input
    // Mamba
    private(set) var inProj = FloatBuffer(count: 0)       // [R, 2·d_inner]: xs | z
    private(set) var conv = FloatBuffer(count: 0)         // [R, d_inner]
    private(set) var xdbc = FloatBuffer(count: 0)         // [R, dt_rank + 2N]: dt | B | C
    private(set) var dt = FloatBuffer(count: 0)           // [R, d_inner]
    private(set) var scan = FloatBuffer(count: 0)         // [R, d_inner]
    // Attention
    private(set) var q = FloatBuffer(count: 0)            // [R, H·hd]
    private(set) var k = FloatBuffer(count: 0)            // [R, KVH·hd]
    private(set) var v = FloatBuffer(count: 0)            // [R, KVH·hd]
    private(set) var attention = FloatBuffer(count: 0)    // [R, H·hd]
    private(set) var ropeCos = FloatBuffer(count: 0)      // [R, hd/2] rotary angles of each row, filled
    private(set) var ropeSin = FloatBuffer(count: 0)      // [R, hd/2] once per forward for every layer
    let attentionScratch: FloatBuffer
    /// Threads' worth of attention scratch allocated (Parallel.threads when the workspace was made).
    let attentionParts: Int
    // Feed-forward
    private(set) var gate = FloatBuffer(count: 0)         // [R, F]
    private(set) var up = FloatBuffer(count: 0)           // [R, F]
    private(set) var router = FloatBuffer(count: 0)       // [R, E]
    private(set) var gathered = FloatBuffer(count: 0)     // [R, d] rows routed to one expert
    private(set) var expertOut = FloatBuffer(count: 0)    // [R, d]
    private(set) var routeRows: UnsafeMutablePointer<Int32>   // [R·topK] rows bucketed by expert
    private(set) var routeWeights = FloatBuffer(count: 0) // [R·topK] their routing weights
    private(set) var topIndex: UnsafeMutablePointer<Int32>    // [R·topK] experts picked per row
    private(set) var topWeight = FloatBuffer(count: 0)    // [R·topK]
    let expertStart: UnsafeMutablePointer<Int>            // [E + 1] bucket offsets

    init(config: ModelConfiguration) {
        self.config = config
        attentionScratch = FloatBuffer(count: CausalAttention.scratchCount(headDim: config.headDim, parts: Parallel.threads))
        attentionParts = max(1, Parallel.threads)
        routeRows = .allocate(capacity: 1)
        topIndex = .allocate(capacity: 1)
        expertStart = .allocate(capacity: config.numExperts + 1)
    }

    deinit {
        routeRows.deallocate()
        topIndex.deallocate()
        expertStart.deallocate()
    }

    /// Makes every buffer hold at least `n` rows.
    func reserve(rows n: Int) {
        guard n > rows else { return }
        let c = config
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
        if c.rotary != nil {
            ropeCos = FloatBuffer(count: n * c.headDim / 2)
            ropeSin = FloatBuffer(count: n * c.headDim / 2)
        }
        gate = FloatBuffer(count: n * c.intermediateSize)
        up = FloatBuffer(count: n * c.intermediateSize)
        router = FloatBuffer(count: n * c.numExperts)
        gathered = FloatBuffer(count: n * c.hiddenSize)
        expertOut = FloatBuffer(count: n * c.hiddenSize)
        routeRows.deallocate(); routeRows = .allocate(capacity: n * topK)
        topIndex.deallocate(); topIndex = .allocate(capacity: n * topK)
        routeWeights = FloatBuffer(count: n * topK)
        topWeight = FloatBuffer(count: n * topK)
        rows = n
    }
}
