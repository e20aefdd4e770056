import CCPUID

/// x · Wᵀ for a few rows: the shape of decode at batch 2…8 (and of an expert that a few tokens
/// routed to). OpenBLAS's sgemm packs the whole weight panel before multiplying, which for a
/// handful of rows costs as much as the product itself and reads the weight twice; here each
/// weight row is streamed from memory once and met by every x row while it sits in L1, so the
/// product runs as near the speed the weights can be read as the core's loads and FMAs allow
/// (decode is bound by that, DESIGN.md §6).
///
/// Shapes:
///   x    [m, k]  row stride ldX, m ≤ maxRows (held in cache for the whole call)
///   w    [n, k]  row stride ldW (nn.Linear layout)
///   out  [m, n]  row stride ldOut; = x · Wᵀ, or += with accumulate
///
/// Register tile: four weight rows × two x rows (× one x row for an odd last row), eight
/// accumulators of 16 lanes on an AVX-512 build (one register each), 8 lanes otherwise (one AVX2
/// register; 16 there would take all sixteen ymm registers for the eight sums alone). The lane
/// count is part of each output's chain, so an AVX-512 and an AVX2 build sum in different orders
/// (both within rounding of the naive twin); within one build every call sums the same way. Four
/// weight rows per pass read each x chunk once for four weights rows' worth of FMAs; eight independent FMA chains hide the FMA latency. Measured (`bench --kernels`,
/// weights in DRAM, Zen 3, 2 threads, ÷ OpenBLAS's sgemv in the same run): at 1, 2, 4 and 8 rows
/// this tile reads 1.02–1.12, 0.92–0.96, 0.87–0.88 and 0.56–0.68 of sgemv's bytes/s; a 2 × 2 tile
/// of 16 lanes read 0.55–0.74, 0.53–0.87, 0.46–0.47 and 0.29–0.39. Against the tile before both
/// (4 x rows × 1 weight row, 16 lanes, GCD threads), jamba-mini tg32 at batch 8 went from 61.5 to
/// 86.3 tokens/s (3 interleaved rounds). Single-core C probes put 4 × 3 between the two.
/// Asking the cache for the next four weight rows while a group is multiplied (`Ahead`) keeps the
/// memory busy during the passes that only compute: on Zen 4 (2 threads, GB/s of weights for
/// 3584×1024 / 1024×3584) rows 2 went from 26.1 / 23.7 to 36.5 / 27.7, rows 4 from 0.79 / 0.74 of
/// sgemv to 39.7 / 27.1 GB/s (sgemv 26-31), rows 8 from 0.66 / 0.57 of sgemv to 25.0 / 23.0 GB/s;
/// jamba-mini tg64 at batch 8 after 128 tokens went from 88.7-89.2 to 107.0-108.8 tokens/s.
/// Batch-1 decode runs here too (`DecoderModel`): before `Ahead`, and with GCD threads, it measured
/// 24.7 / 24.3 / 30.2 t/s against OpenBLAS sgemv's 42.4 / 31.9 / 31.2 (Zen 3, jamba-mini tg32); with
/// both, 35.3 against 32.2 t/s (Zen 4, tg64, means of 7 interleaved rounds; bandwidth used 0.93-1.15
/// of the in-run sgemv against 0.79-0.90).
///
/// 16 lanes on AVX-512 (Zen 5, 2 threads, `bench --kernels` medians of 3 interleaved runs, GB/s at
/// 1/2/4/8 rows, 1024×3584): 37.8/31.2/30.4/26.2 with 8 lanes, 44.6/36.4/34.5/28.8 with 16; jamba-mini
/// tg64 at batch 8 after 128 tokens 115.5/123.3 → 128.3/138.6 tokens/s (2 interleaved rounds).
///
/// Every output (r, j) is the same chain whatever tile it falls in: FMAs of the build's lane
/// width over k in order, the lanes summed in a fixed tree (`FloatLanes.treeSum`), then the
/// k % lanes tail. So the result does not depend on the thread split, on which rows share a call (a row's bits are the same at m = 1 and m = 8), or on
/// where the tiles fall. Threads claim the n output columns through SpinTeam (helpers spin between
/// the products of a decode step instead of sleeping), 16 columns or a multiple at a time
/// (`forGuidedRanges`: claims shrink towards the end, so neither thread waits long for the
/// other; 16 is four whole tiles). The naive twin is `Naive.linear`.
public enum SkinnyGEMM {
    public static let maxRows = 8
    /// Weights below which a product is not split over threads (about the cost of the hand-over).
    static let forkWeights = 1 << 16
    /// Output columns per claim, or a multiple: four tiles of four weight rows. 64 measured the same.
    static let claimGrain = 16

    public static func apply(_ out: UnsafeMutablePointer<Float>, ldOut: Int, _ x: UnsafePointer<Float>, ldX: Int,
                             _ w: UnsafePointer<Float>, ldW: Int, m: Int, n: Int, k: Int, accumulate: Bool,
                             context: ComputeContext) {
        precondition(m >= 1 && m <= maxRows)
        if jamba_has_512bit_vectors() != 0 {
            apply(SIMD16<Float>.self, out, ldOut: ldOut, x, ldX: ldX, w, ldW: ldW, m: m, n: n, k: k, accumulate: accumulate, context: context)
        } else {
            apply(SIMD8<Float>.self, out, ldOut: ldOut, x, ldX: ldX, w, ldW: ldW, m: m, n: n, k: k, accumulate: accumulate, context: context)
        }
    }

    @inline(__always)
    static func apply<V: FloatLanes>(_: V.Type, _ out: UnsafeMutablePointer<Float>, ldOut: Int, _ x: UnsafePointer<Float>, ldX: Int,
                                _ w: UnsafePointer<Float>, ldW: Int, m: Int, n: Int, k: Int, accumulate: Bool,
                                context: ComputeContext) {
        SpinTeam.shared.forGuidedRanges(n, threads: n * k >= forkWeights ? context.threads : 1, grain: claimGrain) { range in
            // The blocked passes' sums between column blocks: four per x row (one per weight row).
            withUnsafeTemporaryAllocation(of: V.self, capacity: 4 * maxRows) { accBuffer in
                columns(V.self, range, out, ldOut: ldOut, x, ldX: ldX, w, ldW: ldW, m: m, k: k, accumulate: accumulate,
                        acc: accBuffer.baseAddress!)
            }
        }
    }

    /// One product of a group (`applyGrouped`): out [m, n] = x [m, k] · Wᵀ, or += with accumulate.
    public struct Product {
        public let out: UnsafeMutablePointer<Float>, ldOut: Int
        public let x: UnsafePointer<Float>, ldX: Int
        public let w: UnsafePointer<Float>, ldW: Int
        public let m: Int, n: Int, k: Int
        public let accumulate: Bool

        public init(out: UnsafeMutablePointer<Float>, ldOut: Int, x: UnsafePointer<Float>, ldX: Int,
                    w: UnsafePointer<Float>, ldW: Int, m: Int, n: Int, k: Int, accumulate: Bool) {
            precondition(m >= 1 && m <= SkinnyGEMM.maxRows)
            self.out = out; self.ldOut = ldOut; self.x = x; self.ldX = ldX; self.w = w; self.ldW = ldW
            self.m = m; self.n = n; self.k = k; self.accumulate = accumulate
        }
    }

    /// Several independent products in one hand-over to the threads: their output columns laid end
    /// to end and split as one range, so a thread crosses from one product into the next without a
    /// barrier between them. For the experts of a batched decode step (each a few rows of a 15 MB
    /// matrix), one call per expert matrix paid a thread hand-over, a ramp and a wait for the slower
    /// thread 96 times per jamba-mini step. Each output is computed exactly as `apply` computes it.
    public static func applyGrouped(_ products: UnsafeBufferPointer<Product>, context: ComputeContext) {
        if jamba_has_512bit_vectors() != 0 { applyGrouped(SIMD16<Float>.self, products, context: context) }
        else { applyGrouped(SIMD8<Float>.self, products, context: context) }
    }

    @inline(__always)
    static func applyGrouped<V: FloatLanes>(_: V.Type, _ products: UnsafeBufferPointer<Product>, context: ComputeContext) {
        let total = products.reduce(0) { $0 + $1.n }
        let weights = products.reduce(0) { $0 + $1.n * $1.k }
        SpinTeam.shared.forGuidedRanges(total, threads: weights >= forkWeights ? context.threads : 1, grain: claimGrain) { range in
            withUnsafeTemporaryAllocation(of: V.self, capacity: 4 * maxRows) { accBuffer in
                var start = 0
                for p in products {
                    let lo = max(range.lowerBound, start) - start, hi = min(range.upperBound, start + p.n) - start
                    if lo < hi {
                        columns(V.self, lo..<hi, p.out, ldOut: p.ldOut, p.x, ldX: p.ldX, p.w, ldW: p.ldW, m: p.m, k: p.k,
                                accumulate: p.accumulate, acc: accBuffer.baseAddress!)
                    }
                    start += p.n
                }
            }
        }
    }

    /// Output columns `range` of one product, four weight rows at a time.
    @inline(__always)
    static func columns<V: FloatLanes>(_: V.Type, _ range: Range<Int>, _ out: UnsafeMutablePointer<Float>, ldOut: Int,
                                  _ x: UnsafePointer<Float>, ldX: Int, _ w: UnsafePointer<Float>, ldW: Int, m: Int, k: Int,
                                  accumulate: Bool, acc: UnsafeMutablePointer<V>) {
        // Passes over one group of four weight rows: one per pair of x rows (and one for a lone row).
        let passes = (m + 1) / 2
        var j = range.lowerBound
        while j < range.upperBound {
            // Weight rows past the range repeat the last one (their sums are not stored).
            let valid = min(4, range.upperBound - j)
            let w0 = w + j * ldW
            let w1 = valid > 1 ? w0 + ldW : w0, w2 = valid > 2 ? w1 + ldW : w1, w3 = valid > 3 ? w2 + ldW : w2
            let ws = (w0, w1, w2, w3)
            // The next group's rows, asked for ahead while this group is multiplied. Over one
            // group, the first pass reads the weights from memory and the others only compute,
            // so without this the memory sat idle for most of an 8-row product (it read
            // 0.57-0.66 of sgemv's bytes/s on Zen 4). With two or more passes, pass q asks for
            // rows q and q + passes of the next group; a single pass (m <= 2) asks for all four.
            let ahead = min(4, range.upperBound - j - valid)
            func prefetchRows(_ pass: Int) -> Ahead? {
                guard ahead > 0 else { return nil }
                let next = w0 + valid * ldW
                func row(_ i: Int) -> UnsafePointer<Float> { next + min(i, ahead - 1) * ldW }
                if passes == 1 { return Ahead(rows: (row(0), row(1), row(2), row(3)), count: 4) }
                return Ahead(rows: (row(pass), row(pass + passes), row(pass), row(pass)), count: 2)
            }
            if passes > 1 && k > kBlock {
                blockedPasses(V.self, x, ldX: ldX, ws, m: m, k: k, out: out + j, ldOut: ldOut, valid: valid,
                              accumulate: accumulate, acc: acc, prefetch: prefetchRows)
                j += valid
                continue
            }
            var r = 0, pass = 0
            while r + 2 <= m {
                tile2x4(V.self, x + r * ldX, x + (r + 1) * ldX, ws, k: k, out: out + r * ldOut + j, ldOut: ldOut,
                        valid: valid, accumulate: accumulate, acc: acc, prefetch: prefetchRows(pass))
                r += 2; pass += 1
            }
            if r < m {
                tile1x4(V.self, x + r * ldX, ws, k: k, out: out + r * ldOut + j, valid: valid, accumulate: accumulate,
                        acc: acc, prefetch: prefetchRows(pass))
            }
            j += valid
        }
    }

    /// Columns of k per block when a group of weight rows is met by more than one pass (m > 2): the
    /// four weight rows' block (8 KiB) and the x rows' (up to 16 KiB) stay in a 32 KiB L1 from one
    /// pass to the next. Unblocked, the later passes re-read the group's rows from L2 once they
    /// outgrow L1 (4 rows of k = 3584 are 56 KiB). Zen 4, 2 threads, `bench --kernels`, means of 3
    /// interleaved runs, GB/s of weights: 1024×3584 at 4 rows 23.7 → 27.8 and at 8 rows 17.3 → 21.8;
    /// 3584×1024 at 4 / 8 rows 27.0 / 23.1 → 29.0 / 24.9. llama-mini tg64 at batch 8 after 128
    /// tokens (down projection k = 6528) 150.5 → 167.0 tokens/s (3 interleaved rounds, new ahead in
    /// each); jamba-mini's batch 8 did not move, since its experts, 61% of a step, see about 2 rows.
    static let kBlock = 512

    /// All passes over one group of four weight rows, `kBlock` columns at a time: each pass runs
    /// its FMAs over a block, parks its accumulators in `acc` and takes them up again on the next
    /// block, so every output's chain is the unblocked one (same FMAs in the same order, the same
    /// lane tree and tail): the bits do not change, and neither does a row's result alone.
    @inline(__always)
    static func blockedPasses<V: FloatLanes>(_: V.Type, _ x: UnsafePointer<Float>, ldX: Int, _ w: Rows4, m: Int, k: Int,
                                        out: UnsafeMutablePointer<Float>, ldOut: Int, valid: Int, accumulate: Bool,
                                        acc: UnsafeMutablePointer<V>, prefetch: (Int) -> Ahead?) {
        let lanes = V.scalarCount, body = k / lanes * lanes
        acc.initialize(repeating: V(repeating: 0), count: 4 * m)
        var c0 = 0
        while c0 < body {
            let c1 = min(body, c0 + kBlock)
            var r = 0, pass = 0
            while r < m {
                let pair = r + 2 <= m
                let x0 = x + r * ldX + c0, x1 = pair ? x0 + ldX : x0
                let block = (w.0 + c0, w.1 + c0, w.2 + c0, w.3 + c0)
                let ahead = prefetch(pass).map { f in
                    Ahead(rows: (f.rows.0 + c0, f.rows.1 + c0, f.rows.2 + c0, f.rows.3 + c0), count: f.count)
                }
                if pair { pass2(V.self, x0, x1, block, count: c1 - c0, acc: acc + 4 * r, prefetch: ahead) }
                else { pass1(V.self, x0, block, count: c1 - c0, acc: acc + 4 * r, prefetch: ahead) }
                r += pair ? 2 : 1; pass += 1
            }
            c0 = c1
        }
        for r in 0..<m {
            let xr = x + r * ldX, o = out + r * ldOut, a = acc + 4 * r
            put(o, finish(a[0], xr, w.0, from: body, to: k), accumulate)
            if valid > 1 { put(o + 1, finish(a[1], xr, w.1, from: body, to: k), accumulate) }
            if valid > 2 { put(o + 2, finish(a[2], xr, w.2, from: body, to: k), accumulate) }
            if valid > 3 { put(o + 3, finish(a[3], xr, w.3, from: body, to: k), accumulate) }
        }
    }

    typealias Rows4 = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)

    /// Weight rows to ask the cache for while a tile runs: the first `count` (2 or 4) of `rows`,
    /// one 64-byte line of each per 16 columns.
    struct Ahead {
        let rows: Rows4
        let count: Int
    }

    /// Asks the cache for the 64-byte line at column p of the first two, or all four, `rows`.
    @inline(__always)
    static func askAhead(_ rows: Rows4, four: Bool, _ p: Int) {
        jamba_prefetch_l2(rows.0 + p); jamba_prefetch_l2(rows.1 + p)
        if four { jamba_prefetch_l2(rows.2 + p); jamba_prefetch_l2(rows.3 + p) }
    }

    @inline(__always)
    static func load<V: FloatLanes>(_: V.Type, _ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }

    /// Σ over lanes in a fixed tree, then the tail of x · w past the whole vectors, in order.
    @inline(__always)
    static func finish<V: FloatLanes>(_ acc: V, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, from body: Int, to k: Int) -> Float {
        var s = acc.treeSum
        var q = body
        while q < k { s += x[q] * w[q]; q += 1 }
        return s
    }

    @inline(__always)
    static func put(_ o: UnsafeMutablePointer<Float>, _ s: Float, _ accumulate: Bool) {
        o.pointee = accumulate ? o.pointee + s : s
    }

    /// Two x rows × four weight rows: eight accumulators, taken from acc[0..<8] and put back
    /// there (a: x0 with w.0…w.3, then b: x1), over columns 0..<count (a multiple of V's width).
    /// The FMA loop every tile and every block of `blockedPasses` runs for a pair of rows. The
    /// accumulators are locals of this function, not captured from its caller: captured ones got
    /// a runtime exclusivity check per access in a baseline x86-64 build (batch 8 ran 5.5 t/s).
    @inline(__always)
    static func pass2<V: FloatLanes>(_: V.Type, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ w: Rows4, count: Int,
                                acc: UnsafeMutablePointer<V>, prefetch: Ahead?) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], b0 = acc[4], b1 = acc[5], b2 = acc[6], b3 = acc[7]
        let ahead = prefetch?.rows ?? w, asking = prefetch != nil, four = prefetch?.count == 4
        var p = 0
        while p < count {
            if asking && p & 15 == 0 { askAhead(ahead, four: four, p) }
            let v0 = load(V.self, w.0, p), v1 = load(V.self, w.1, p), v2 = load(V.self, w.2, p), v3 = load(V.self, w.3, p)
            let xa = load(V.self, x0, p), xb = load(V.self, x1, p)
            a0.madd(xa, v0); a1.madd(xa, v1); a2.madd(xa, v2); a3.madd(xa, v3)
            b0.madd(xb, v0); b1.madd(xb, v1); b2.madd(xb, v2); b3.madd(xb, v3)
            p &+= V.scalarCount
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = b0; acc[5] = b1; acc[6] = b2; acc[7] = b3
    }

    /// One x row × four weight rows: `pass2` for a lone row, accumulators in acc[0..<4].
    @inline(__always)
    static func pass1<V: FloatLanes>(_: V.Type, _ x0: UnsafePointer<Float>, _ w: Rows4, count: Int,
                                acc: UnsafeMutablePointer<V>, prefetch: Ahead?) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        let ahead = prefetch?.rows ?? w, asking = prefetch != nil, four = prefetch?.count == 4
        var p = 0
        while p < count {
            if asking && p & 15 == 0 { askAhead(ahead, four: four, p) }
            let xa = load(V.self, x0, p)
            a0.madd(xa, load(V.self, w.0, p)); a1.madd(xa, load(V.self, w.1, p))
            a2.madd(xa, load(V.self, w.2, p)); a3.madd(xa, load(V.self, w.3, p))
            p &+= V.scalarCount
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }

    /// Two x rows × four weight rows over all of k.
    @inline(__always)
    static func tile2x4<V: FloatLanes>(_: V.Type, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ w: Rows4, k: Int,
                                  out: UnsafeMutablePointer<Float>, ldOut: Int, valid: Int, accumulate: Bool,
                                  acc: UnsafeMutablePointer<V>, prefetch: Ahead?) {
        let body = k / V.scalarCount * V.scalarCount
        acc.initialize(repeating: V(repeating: 0), count: 8)
        pass2(V.self, x0, x1, w, count: body, acc: acc, prefetch: prefetch)
        let o1 = out + ldOut
        put(out, finish(acc[0], x0, w.0, from: body, to: k), accumulate)
        put(o1, finish(acc[4], x1, w.0, from: body, to: k), accumulate)
        if valid > 1 { put(out + 1, finish(acc[1], x0, w.1, from: body, to: k), accumulate); put(o1 + 1, finish(acc[5], x1, w.1, from: body, to: k), accumulate) }
        if valid > 2 { put(out + 2, finish(acc[2], x0, w.2, from: body, to: k), accumulate); put(o1 + 2, finish(acc[6], x1, w.2, from: body, to: k), accumulate) }
        if valid > 3 { put(out + 3, finish(acc[3], x0, w.3, from: body, to: k), accumulate); put(o1 + 3, finish(acc[7], x1, w.3, from: body, to: k), accumulate) }
    }

    /// One x row × four weight rows over all of k.
    @inline(__always)
    static func tile1x4<V: FloatLanes>(_: V.Type, _ x0: UnsafePointer<Float>, _ w: Rows4, k: Int, out: UnsafeMutablePointer<Float>,
                                  valid: Int, accumulate: Bool, acc: UnsafeMutablePointer<V>, prefetch: Ahead?) {
        let body = k / V.scalarCount * V.scalarCount
        acc.initialize(repeating: V(repeating: 0), count: 4)
        pass1(V.self, x0, w, count: body, acc: acc, prefetch: prefetch)
        put(out, finish(acc[0], x0, w.0, from: body, to: k), accumulate)
        if valid > 1 { put(out + 1, finish(acc[1], x0, w.1, from: body, to: k), accumulate) }
        if valid > 2 { put(out + 2, finish(acc[2], x0, w.2, from: body, to: k), accumulate) }
        if valid > 3 { put(out + 3, finish(acc[3], x0, w.3, from: body, to: k), accumulate) }
    }
}
