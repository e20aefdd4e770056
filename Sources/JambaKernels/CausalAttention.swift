/// Causal multi-head attention of T new queries against S keys (the cache plus the new rows),
/// blocked over keys with an online softmax, so no [T, S] score matrix ever exists.
///
/// Shapes (H heads, G = H / KVH query heads per kv head, hd = head_dim):
///   q    [T, H·hd]    row stride ldQ; query row i sits at position S - T + i
///   k, v [S, KVH·hd]  row stride ldKV; query head h reads kv head h / G (grouped-query attention)
///   out  [T, H·hd]    row stride ldOut = softmax(q·kᵀ / sqrt(hd), causal) · v
///   window  when set, query at position p sees keys p - window < j ≤ p only (Mistral's sliding
///           window); the caller may then hold only the last window - 1 + T keys
/// Positions, when the model has them, are already in q and k (rotary): this kernel adds none.
///
/// Scores are [qBlock, kBlock] tiles from sgemm; each query row keeps a running max m, running
/// sum l and an unnormalised output row, rescaled by exp(m_old - m_new) when the max grows.
public struct CausalAttention {
    public static let queryBlock = 64
    public static let keyBlock = 256

    /// Floats of scratch `apply` needs for H heads of head_dim hd and `parts` parts (threads) it may
    /// use: prefill's tiles per part, or decode's (`DecodeAttention`), whichever is more.
    public static func scratchCount(heads H: Int, headDim hd: Int, parts: Int = 1) -> Int {
        max(max(1, parts) * partScratch(hd), DecodeAttention.scratchCount(heads: H, headDim: hd, parts: parts))
    }

    static func partScratch(_ hd: Int) -> Int { queryBlock * keyBlock + 2 * queryBlock + queryBlock * hd }

    public static func apply(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int,
        q: UnsafePointer<Float>, ldQ: Int,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldKV: Int,
        queries T: Int, keys S: Int, heads H: Int, kvHeads KVH: Int, headDim hd: Int, window: Int? = nil,
        scratch: UnsafeMutablePointer<Float>, scratchParts: Int = 1, context: ComputeContext
    ) {
        precondition(window.map { $0 > 0 } ?? true, "window must be positive")
        precondition(S >= T && H % KVH == 0)
        if T == 0 { return }
        let group = H / KVH
        if T == 1 && group <= DecodeAttention.maxGroup {
            DecodeAttention.apply(out, q: q, k: k, v: v, ldKV: ldKV, keys: S, heads: H, kvHeads: KVH, headDim: hd,
                                  window: window, scratch: scratch, scratchParts: scratchParts, context: context)
            return
        }
        // Prefill: every (head, query block) is a task writing its own slice of `out`, so tasks
        // run on the engine's threads with their own scratch, and the result is the same for any
        // thread count. Each task's sgemms are small; OpenBLAS stays on one thread meanwhile.
        let blocks = (T + queryBlock - 1) / queryBlock
        let tasks = H * blocks
        let work = H * T * min(S - T / 2, window ?? S) * hd * 4
        let run = { (part: Int, range: Range<Int>) in
            let partScratch = scratch + part * Self.partScratch(hd)
            for task in range {
                let h = task / blocks, i0 = (task % blocks) * queryBlock
                let rows = min(queryBlock, T - i0)
                attendBlock(out + i0 * ldOut + h * hd, ldOut: ldOut, q: q + i0 * ldQ + h * hd, ldQ: ldQ, rows: rows,
                            firstPosition: S - T + i0, k: k + (h / group) * hd, v: v + (h / group) * hd,
                            ldKV: ldKV, headDim: hd, window: window, scratch: partScratch, context: context)
            }
        }
        // The fan-out threshold checked here too, so small calls (decode of one query per head)
        // leave OpenBLAS's setting alone.
        if scratchParts > 1 && context.threads > 1 && tasks > 1 && work >= ComputeContext.minimumWork {
            context.withSerialBLAS { context.forParts(tasks, parts: scratchParts, work: work, run) }
        } else {
            run(0, 0..<tasks)
        }
    }

    /// Up to `queryBlock` query rows (row r at position firstPosition + r) against
    /// keys 0…its position (or its last `window` keys), in key blocks with the online softmax.
    private static func attendBlock(
        _ out: UnsafeMutablePointer<Float>, ldOut: Int, q: UnsafePointer<Float>, ldQ: Int, rows: Int,
        firstPosition: Int,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldKV: Int, headDim hd: Int, window: Int?,
        scratch: UnsafeMutablePointer<Float>, context: ComputeContext
    ) {
        let kb = keyBlock
        let scores = scratch
        let runMax = scratch + queryBlock * kb
        let runSum = runMax + queryBlock
        let acc = runSum + queryBlock
        let scale = 1 / Float(hd).squareRoot()
        let lastPos = firstPosition + rows - 1
        for r in 0..<rows { runMax[r] = -.infinity; runSum[r] = 0 }
        acc.update(repeating: 0, count: rows * hd)
        // The first key any row sees: row 0's window start (rows only move forward).
        func firstKey(_ position: Int) -> Int { window.map { max(0, position - $0 + 1) } ?? 0 }
        var j0 = firstKey(firstPosition)
        while j0 <= lastPos {
            let cols = min(kb, lastPos + 1 - j0)
            // scores [rows, cols] = scale · q_blk · k_blkᵀ
            BLAS.linear(scores, ldOut: cols, q, ldX: ldQ, k + j0 * ldKV, ldW: ldKV, m: rows, n: cols, k: hd, alpha: scale, context: context)
            for r in 0..<rows {
                let srow = scores + r * cols
                // Keys past this row's position, or before its window, are masked: they get
                // probability exactly 0. The row's keys in this block are lo..<valid.
                let position = firstPosition + r
                let valid = max(0, min(cols, position + 1 - j0))
                let lo = min(valid, max(0, firstKey(position) - j0))
                if valid == lo {
                    srow.update(repeating: 0, count: cols)
                    continue
                }
                if lo > 0 { srow.update(repeating: 0, count: lo) }
                var blockMax = -Float.infinity
                for j in lo..<valid { blockMax = max(blockMax, srow[j]) }
                let newMax = max(runMax[r], blockMax)
                let correction = runMax[r] == -.infinity ? 0 : (runMax[r] - newMax).fastExp
                var j = lo
                var sum = Vec16(repeating: 0)
                let mv = Vec16(repeating: newMax)
                while j + 16 <= valid {
                    let p = FastMath.exp(srow.vec(j) - mv)
                    srow.setVec(j, p); sum += p; j += 16
                }
                var total = sum.sum()
                while j < valid { let p = (srow[j] - newMax).fastExp; srow[j] = p; total += p; j += 1 }
                if valid < cols { (srow + valid).update(repeating: 0, count: cols - valid) }
                runSum[r] = runSum[r] * correction + total
                runMax[r] = newMax
                if correction != 1 {
                    let a = acc + r * hd
                    for d in 0..<hd { a[d] *= correction }
                }
            }
            // acc [rows, hd] += p [rows, cols] · v_blk [cols, hd]
            BLAS.matmul(acc, ldOut: hd, scores, ldA: cols, v + j0 * ldKV, ldB: ldKV, m: rows, n: hd, k: cols, beta: 1)
            j0 += kb
        }
        for r in 0..<rows {
            let inv = 1 / runSum[r]
            let o = out + r * ldOut
            let a = acc + r * hd
            for d in 0..<hd { o[d] = a[d] * inv }
        }
    }
}
