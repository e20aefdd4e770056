import CCPUID

/// Attention of one new query per head against a sequence's cached keys and values: a decode step.
/// Its cost is reading the cache once (at 16K tokens of cache this dwarfs the step's other work in a
/// transformer), so the keys are split into fixed chunks per kv head and the chunks run on the
/// engine's threads; each keeps an online softmax (running max, sum and unnormalised output) over
/// its keys, and the partial results are merged at the end in a fixed order (flash-decoding). The
/// chunks depend on the number of keys only, never on the threads, so the result is the same for
/// any thread count.
///
/// Shapes (H heads, KVH kv heads, G = H / KVH query heads per kv head, hd = head_dim, S keys):
///   q       [H·hd]       the G query heads of kv head g are the adjacent rows g·G ..< (g+1)·G
///   k, v    [S, KVH·hd]  row stride ldKV; the query is at position S - 1
///   out     [H·hd]       = softmax(q·kᵀ / sqrt(hd)) · v over keys first ..< S
///   window  when set, keys S - window ..< S only (Mistral's sliding window)
///   scratch `scratchCount` floats: per part a [G, keyBlock] score tile, then every chunk's partial
/// Each cached key and value row is read once per kv head and met by its G query rows while in L1.
/// Before this, decode went through the prefill kernel with one block per kv head: small sgemm
/// calls on one thread. transformer-mini tg64 at 16K tokens of cache (Zen 4, 2 threads, single
/// runs): 14.6 t/s that way, 13.5 here without prefetches, 19.2 asking for rows 8 ahead, 21.2 with
/// 24 ahead. The naive twin is `Naive.causalAttention` with one query.
public enum DecodeAttention {
    /// Keys per score tile.
    static let keyBlock = 256
    /// Keys per chunk, at least: a chunk is one task of the split.
    static let chunkKeys = 1024
    /// Chunks per kv head, at most.
    static let maxChunks = 8
    /// Query heads per kv head, at most (larger groups take the prefill kernel).
    public static let maxGroup = 64

    /// Floats of scratch for `apply` with `parts` parts (threads).
    public static func scratchCount(heads H: Int, headDim hd: Int, parts: Int) -> Int {
        max(1, parts) * maxGroup * keyBlock + maxChunks * H * (hd + 2)
    }

    public static func apply(
        _ out: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldKV: Int,
        keys S: Int, heads H: Int, kvHeads KVH: Int, headDim hd: Int, window: Int? = nil,
        scratch: UnsafeMutablePointer<Float>, scratchParts: Int, context: ComputeContext
    ) {
        precondition(S >= 1 && H % KVH == 0 && H / KVH <= maxGroup)
        precondition(window.map { $0 > 0 } ?? true, "window must be positive")
        let G = H / KVH
        let first = window.map { max(0, S - $0) } ?? 0
        let span = S - first
        let chunks = min(maxChunks, max(1, (span + chunkKeys - 1) / chunkKeys))
        let tasks = KVH * chunks
        // Partial of task t (kv head t / chunks, chunk t % chunks): acc [G, hd], max [G], sum [G].
        let partials = scratch + max(1, scratchParts) * maxGroup * keyBlock
        let partialStride = G * (hd + 2)
        let threads = span * KVH * hd >= ComputeContext.minimumWork ? min(context.threads, max(1, scratchParts)) : 1
        let n = min(threads, tasks)
        SpinTeam.shared.forRanges(tasks, threads: n) { range in
            // Tasks run in n contiguous ranges, part p starting at ⌊tasks·p / n⌋; p back from that
            // start is the one integer in [start·n / tasks, (start + 1)·n / tasks), so round up.
            let part = (range.lowerBound * n + tasks - 1) / tasks
            let scores = scratch + part * maxGroup * keyBlock
            for t in range {
                let kvh = t / chunks, c = t % chunks
                let lo = first + span * c / chunks, hi = first + span * (c + 1) / chunks
                let p = partials + t * partialStride
                attend(q: q + kvh * G * hd, k: k + kvh * hd, v: v + kvh * hd, ldKV: ldKV, keys: lo..<hi,
                       rows: G, headDim: hd, scores: scores, acc: p, runMax: p + G * hd, runSum: p + G * hd + G)
            }
        }
        // Merge each kv head's chunks in order: rescale every partial to the common max.
        for kvh in 0..<KVH {
            for r in 0..<G {
                var m = -Float.infinity
                for c in 0..<chunks { m = max(m, partials[(kvh * chunks + c) * partialStride + G * hd + r]) }
                let o = out + (kvh * G + r) * hd
                o.update(repeating: 0, count: hd)
                var total: Float = 0
                for c in 0..<chunks {
                    let p = partials + (kvh * chunks + c) * partialStride
                    let w = (p[G * hd + r] - m).fastExp
                    total += p[G * hd + G + r] * w
                    Elementwise.addScaled(o, p + r * hd, alpha: w, count: hd)
                }
                let inv = 1 / total
                for d in 0..<hd { o[d] *= inv }
            }
        }
    }

    /// Cache rows ahead of the one being read that are asked for: a task reads one kv head's slice
    /// of each cache row (512 bytes of every 1 KiB at 2 kv heads of 128), which the hardware
    /// prefetcher alone followed too slowly (see the measurements above).
    static let aheadRows = 24

    @inline(__always)
    static func prefetchRow(_ p: UnsafePointer<Float>, _ count: Int) {
        var i = 0
        while i < count { jamba_prefetch(p + i); i += 16 }
    }

    /// Rows q [rows, hd] against keys `keys` of k, v (kv head already applied): the unnormalised
    /// output acc [rows, hd], the running max and the sum of exp(score - max) per row.
    @inline(__always)
    static func attend(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldKV: Int,
                       keys: Range<Int>, rows G: Int, headDim hd: Int, scores: UnsafeMutablePointer<Float>,
                       acc: UnsafeMutablePointer<Float>, runMax: UnsafeMutablePointer<Float>,
                       runSum: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(hd).squareRoot()
        let kb = keyBlock, body = hd & ~15
        acc.update(repeating: 0, count: G * hd)
        for r in 0..<G { runMax[r] = -.infinity; runSum[r] = 0 }
        var j0 = keys.lowerBound
        while j0 < keys.upperBound {
            let cols = min(kb, keys.upperBound - j0)
            // scores [G, cols] = scale · q · k_blockᵀ
            for j in 0..<cols {
                let kr = k + (j0 + j) * ldKV
                prefetchRow(kr + aheadRows * ldKV, hd)
                for r in 0..<G {
                    let qr = q + r * hd
                    var a = Vec16(repeating: 0), b = a
                    var d = 0
                    while d + 32 <= body {
                        a.madd(qr.vec(d), kr.vec(d)); b.madd(qr.vec(d + 16), kr.vec(d + 16)); d += 32
                    }
                    if d < body { a.madd(qr.vec(d), kr.vec(d)); d += 16 }
                    var s = (a + b).sum()
                    while d < hd { s += qr[d] * kr[d]; d += 1 }
                    scores[r * kb + j] = s * scale
                }
            }
            // Online softmax: p = exp(score - max), the row's earlier sum and output rescaled when
            // its max grows.
            for r in 0..<G {
                let srow = scores + r * kb
                var blockMax = -Float.infinity
                for j in 0..<cols { blockMax = max(blockMax, srow[j]) }
                let newMax = max(runMax[r], blockMax)
                let correction = runMax[r] == -.infinity ? 0 : (runMax[r] - newMax).fastExp
                let mv = Vec16(repeating: newMax)
                var sum = Vec16(repeating: 0)
                var j = 0
                while j + 16 <= cols {
                    let e = FastMath.exp(srow.vec(j) - mv)
                    srow.setVec(j, e); sum += e; j += 16
                }
                var total = sum.sum()
                while j < cols { let e = (srow[j] - newMax).fastExp; srow[j] = e; total += e; j += 1 }
                runSum[r] = runSum[r] * correction + total
                runMax[r] = newMax
                if correction != 1 {
                    let a = acc + r * hd
                    for d in 0..<hd { a[d] *= correction }
                }
            }
            // acc [G, hd] += p [G, cols] · v_block [cols, hd]
            for j in 0..<cols {
                let vr = v + (j0 + j) * ldKV
                prefetchRow(vr + aheadRows * ldKV, hd)
                for r in 0..<G { Elementwise.addScaled(acc + r * hd, vr, alpha: scores[r * kb + j], count: hd) }
            }
            j0 += cols
        }
    }
}
