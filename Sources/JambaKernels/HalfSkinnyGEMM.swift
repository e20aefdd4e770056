import CCPUID

/// x · Wᵀ with W stored in 16 bits (BF16 or F16) and x, out in Float32, for one to eight rows:
/// decode at batch 1 (a GEMV) and batched decode (the shape of `SkinnyGEMM`). Decode is bound by
/// the weight bytes read (DESIGN.md §6), so reading 2 bytes per weight instead of 4 is the whole
/// point: each weight row is streamed once, widened to Float32 in registers (exactly) and met by
/// every x row while it sits in L1.
///
/// Shapes:
///   x    [m, k]  Float32, row stride ldX, 1 ≤ m ≤ maxRows
///   w    [n, k]  H (BF16 or F16), row stride ldW (nn.Linear layout)
///   out  [m, n]  Float32, row stride ldOut; = x · Wᵀ, or += with accumulate
///   xp   [m, k]  scratch: each x row permuted per block of 32 columns into its 16 even columns
///                then its 16 odd ones, the order `HalfFormat.pairs` widens a block of weights in
///                (so no lane shuffle is needed in the loop); the k % 32 tail stays in place
///
/// Register tile: SkinnyGEMM's, four weight rows × two x rows (× one for an odd last row), eight
/// 16-lane accumulators; a block is 32 weights of a row (one 64-byte line), widened into its even
/// and odd halves. Four weight rows per pass load each x block once for four rows' worth of FMAs.
/// The tile before met one weight row per pass, so every block reloaded two x vectors per x row:
/// at 8 rows × k = 3584 the x traffic (from L2) was 16× the weight bytes, and 3584×1024 read
/// 27.8 / 22.1 / 16.2 / 10.6 GB/s of BF16 weights at 1 / 2 / 4 / 8 rows (Zen 4, 2 threads), fewer
/// weights per second than Float32 at 8 rows. The next group's rows are asked for while a group is
/// multiplied, as in SkinnyGEMM (`SkinnyGEMM.Ahead`): one line of each per block. A lone x row
/// (batch-1 decode) reads one weight row at a time instead (`row1x1`).
///
/// Every output (r, j) is the same chain whatever tile it falls in: per block, the even half's
/// product then the odd half's added into one 16-lane accumulator, the lanes summed in a fixed
/// tree, then the k % 32 tail in order. So a row's bits do not depend on the thread split or on
/// which rows share the call (m = 1 and m = 8 agree). Vec16 is one AVX-512 register when the build
/// targets an AVX-512 CPU (`make` picks znver4 or icelake-server from /proc/cpuinfo), two AVX2
/// registers on haswell. The naive twin is `Naive.halfLinear`.
public enum HalfSkinnyGEMM {
    public static let maxRows = SkinnyGEMM.maxRows
    /// Weights below which a product is not split over threads.
    static let forkWeights = 1 << 16

    typealias Rows4 = (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)

    public static func apply<H: HalfFormat>(_ format: H.Type, _ out: UnsafeMutablePointer<Float>, ldOut: Int,
                                            _ x: UnsafePointer<Float>, ldX: Int, _ w: UnsafePointer<UInt16>, ldW: Int,
                                            m: Int, n: Int, k: Int, accumulate: Bool,
                                            context: ComputeContext) {
        precondition(m >= 1 && m <= maxRows)
        let blocks = k / 32, body = blocks * 32
        context.panels.with(count: m * k) { xp in
            for r in 0..<m {
                let src = x + r * ldX, dst = xp + r * k
                for b in 0..<blocks {
                    for i in 0..<16 {
                        dst[32 * b + i] = src[32 * b + 2 * i]
                        dst[32 * b + 16 + i] = src[32 * b + 2 * i + 1]
                    }
                }
                for p in body..<k { dst[p] = src[p] }
            }
            let xq = UnsafePointer(xp)
            let passes = (m + 1) / 2
            let rowBytes = 2 * ldW
            // Split over the engine's threads by SpinTeam (its helpers spin between the products of
            // a decode step instead of sleeping); products under 64K weights stay on this thread,
            // about as short as the hand-over.
            SpinTeam.shared.forRanges(n, threads: n * k >= Self.forkWeights ? context.threads : 1) { range in
                if m == 1 {
                    for j in range { row1x1(H.self, xq, w + j * ldW, blocks: blocks, x: x, body: body, k: k,
                                            out: out + j, accumulate: accumulate) }
                    return
                }
                withUnsafeTemporaryAllocation(of: Vec16.self, capacity: 8 * passes) { buffer in
                let sums = buffer.baseAddress!
                var j = range.lowerBound
                while j < range.upperBound {
                    // Weight rows past the range repeat the last one (their sums are not stored).
                    let valid = min(4, range.upperBound - j)
                    let w0 = UnsafeRawPointer(w + j * ldW)
                    let w1 = valid > 1 ? w0 + rowBytes : w0, w2 = valid > 2 ? w1 + rowBytes : w1
                    let w3 = valid > 3 ? w2 + rowBytes : w2
                    let ws = (w0, w1, w2, w3)
                    // The next group's rows: with two or more passes, pass q asks for rows q and
                    // q + passes; a single pass asks for all four (as SkinnyGEMM).
                    let ahead = min(4, range.upperBound - j - valid)
                    func prefetchRows(_ pass: Int) -> (rows: Rows4, count: Int) {
                        guard ahead > 0 else { return ((w0, w0, w0, w0), 0) }
                        let next = w0 + valid * rowBytes
                        func row(_ i: Int) -> UnsafeRawPointer { next + min(i, ahead - 1) * rowBytes }
                        if passes == 1 { return ((row(0), row(1), row(2), row(3)), 4) }
                        return ((row(pass), row(pass + passes), row(pass), row(pass)), 2)
                    }
                    let tail = Tail(x: x, ldX: ldX, w: w + j * ldW, ldW: ldW, body: body, k: k)
                    // Over a chunk of columns every pass meets the group's four weight rows while
                    // they sit in L1 (one pass alone takes all the columns at once).
                    var c0 = 0
                    repeat {
                        let c1 = passes == 1 ? blocks : min(blocks, c0 + Self.chunkBlocks)
                        let chunk = Chunk(blocks: c0..<c1, first: c0 == 0, last: c1 == blocks)
                        var r = 0, pass = 0
                        while r + 2 <= m {
                            tile2x4(H.self, xq + r * k, xq + (r + 1) * k, ws, chunk: chunk, sums: sums + 8 * pass,
                                    prefetch: prefetchRows(pass), tail: tail, row: r,
                                    out: out + r * ldOut + j, ldOut: ldOut, valid: valid, accumulate: accumulate)
                            r += 2; pass += 1
                        }
                        if r < m {
                            tile1x4(H.self, xq + r * k, ws, chunk: chunk, sums: sums + 8 * pass,
                                    prefetch: prefetchRows(pass), tail: tail,
                                    row: r, out: out + r * ldOut + j, valid: valid, accumulate: accumulate)
                        }
                        c0 = c1
                    } while c0 < blocks
                    j += valid
                }
                }
            }
        }
    }

    /// The k % 32 columns past the blocks, added in order to a finished dot product.
    struct Tail {
        let x: UnsafePointer<Float>, ldX: Int, w: UnsafePointer<UInt16>, ldW: Int, body: Int, k: Int

        /// Σ of the accumulator's lanes (a fixed tree), then x row r · weight row i of the group over the tail.
        @inline(__always)
        func finish<H: HalfFormat>(_: H.Type, _ acc: Vec16, row r: Int, weight i: Int) -> Float {
            var s = acc.treeSum
            guard body < k else { return s }
            let xr = x + r * ldX, wr = w + i * ldW
            for q in body..<k { s += xr[q] * H.float(wr[q]) }
            return s
        }
    }

    @inline(__always)
    static func put(_ o: UnsafeMutablePointer<Float>, _ s: Float, _ accumulate: Bool) {
        o.pointee = accumulate ? o.pointee + s : s
    }

    @inline(__always)
    static func block<H: HalfFormat>(_: H.Type, _ row: UnsafeRawPointer, _ b: Int) -> (even: Vec16, odd: Vec16) {
        H.pairs(row.loadUnaligned(fromByteOffset: 64 * b, as: SIMD16<UInt32>.self))
    }

    @inline(__always)
    static func prefetch(_ ahead: (rows: Rows4, count: Int), _ b: Int) {
        let offset = 64 * b
        switch ahead.count {
        case 4:
            jamba_prefetch_l2(ahead.rows.0 + offset); jamba_prefetch_l2(ahead.rows.1 + offset)
            jamba_prefetch_l2(ahead.rows.2 + offset); jamba_prefetch_l2(ahead.rows.3 + offset)
        case 2:
            jamba_prefetch_l2(ahead.rows.0 + offset); jamba_prefetch_l2(ahead.rows.1 + offset)
        default: break
        }
    }

    /// Bytes ahead of the block being read that a lone row asks for (`row1x1`).
    static let prefetchDistance = 2048

    /// One x row (permuted) × one weight row: batch-1 decode. The tile below on one x row reads
    /// four weight rows side by side and asks for the next four a group ahead; measured on Zen 5
    /// (jamba-mini BF16, 2 threads) batch 1 then ran at 70–80 tokens/s against 84–96 for one
    /// stream per thread asking 2 KiB ahead (rows are contiguous, so this runs into the next
    /// rows). One accumulator is enough: at 8 cycles of FMA latency per 64-byte block a core still
    /// reads ~28 GB/s, above its share of DRAM. Same chain as the tiles, so the same bits.
    @inline(__always)
    static func row1x1<H: HalfFormat>(_: H.Type, _ xq: UnsafePointer<Float>, _ wRow: UnsafePointer<UInt16>, blocks: Int,
                                      x: UnsafePointer<Float>, body: Int, k: Int,
                                      out: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let raw = UnsafeRawPointer(wRow)
        var a = Vec16(repeating: 0)
        for b in 0..<blocks {
            jamba_prefetch(raw + 64 * b + prefetchDistance)
            let v = block(H.self, raw, b), p = 32 * b
            a.madd(xq.vec(p), v.even); a.madd(xq.vec(p + 16), v.odd)
        }
        let tail = Tail(x: x, ldX: 0, w: wRow, ldW: 0, body: body, k: k)
        put(out, tail.finish(H.self, a, row: 0, weight: 0), accumulate)
    }

    /// Blocks of 32 columns per chunk when a group of weight rows takes several passes: 16 blocks
    /// are 1 KiB of each of the four 16-bit weight rows and 2 KiB of each x row, so eight x rows
    /// and the four weight rows (20 KiB) stay in a 32 KiB L1 while every pass meets them. Without
    /// chunks, at k = 8192 each pass read the group's four rows (64 KiB) again from L2. Zen 5, 2
    /// threads: `bench --kernels` 8 rows of 1024×3584 read 21.2 → 26.7 GB/s (medians of 3
    /// interleaved runs; 3584×1024 28.4 → 28.6); jamba-mini BF16 tg64 at batch 8 211.0 / 245.7 →
    /// 239.7 / 278.1 tokens/s (2 interleaved rounds). The 3B shape at batch 8 did not move
    /// (26.2–29.4 → 28.5–30.4 tokens/s): its 8-row products read ~20 GB/s with or without chunks.
    static let chunkBlocks = 16

    /// The blocks a tile runs now; the first chunk starts its sums at zero, the last one finishes
    /// them (lane tree, tail, store). In between the sums wait in memory, whole, so each output's
    /// chain is the same whatever the chunking.
    struct Chunk {
        let blocks: Range<Int>
        let first: Bool, last: Bool
    }

    /// Two x rows (permuted) × four weight rows, over one chunk of blocks.
    @inline(__always)
    static func tile2x4<H: HalfFormat>(_: H.Type, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ w: Rows4,
                                       chunk: Chunk, sums: UnsafeMutablePointer<Vec16>,
                                       prefetch ahead: (rows: Rows4, count: Int), tail: Tail, row r: Int,
                                       out: UnsafeMutablePointer<Float>, ldOut: Int, valid: Int, accumulate: Bool) {
        let zero = Vec16(repeating: 0)
        var a0 = chunk.first ? zero : sums[0], a1 = chunk.first ? zero : sums[1]
        var a2 = chunk.first ? zero : sums[2], a3 = chunk.first ? zero : sums[3]
        var b0 = chunk.first ? zero : sums[4], b1 = chunk.first ? zero : sums[5]
        var b2 = chunk.first ? zero : sums[6], b3 = chunk.first ? zero : sums[7]
        for b in chunk.blocks {
            prefetch(ahead, b)
            let p = 32 * b
            let xe = x0.vec(p), xo = x0.vec(p + 16), ye = x1.vec(p), yo = x1.vec(p + 16)
            let v0 = block(H.self, w.0, b), v1 = block(H.self, w.1, b)
            a0.madd(xe, v0.even); b0.madd(ye, v0.even); a1.madd(xe, v1.even); b1.madd(ye, v1.even)
            a0.madd(xo, v0.odd); b0.madd(yo, v0.odd); a1.madd(xo, v1.odd); b1.madd(yo, v1.odd)
            let v2 = block(H.self, w.2, b), v3 = block(H.self, w.3, b)
            a2.madd(xe, v2.even); b2.madd(ye, v2.even); a3.madd(xe, v3.even); b3.madd(ye, v3.even)
            a2.madd(xo, v2.odd); b2.madd(yo, v2.odd); a3.madd(xo, v3.odd); b3.madd(yo, v3.odd)
        }
        guard chunk.last else {
            sums[0] = a0; sums[1] = a1; sums[2] = a2; sums[3] = a3; sums[4] = b0; sums[5] = b1; sums[6] = b2; sums[7] = b3
            return
        }
        let o1 = out + ldOut
        put(out, tail.finish(H.self, a0, row: r, weight: 0), accumulate)
        put(o1, tail.finish(H.self, b0, row: r + 1, weight: 0), accumulate)
        if valid > 1 { put(out + 1, tail.finish(H.self, a1, row: r, weight: 1), accumulate); put(o1 + 1, tail.finish(H.self, b1, row: r + 1, weight: 1), accumulate) }
        if valid > 2 { put(out + 2, tail.finish(H.self, a2, row: r, weight: 2), accumulate); put(o1 + 2, tail.finish(H.self, b2, row: r + 1, weight: 2), accumulate) }
        if valid > 3 { put(out + 3, tail.finish(H.self, a3, row: r, weight: 3), accumulate); put(o1 + 3, tail.finish(H.self, b3, row: r + 1, weight: 3), accumulate) }
    }

    /// One x row (permuted) × four weight rows, over one chunk of blocks.
    @inline(__always)
    static func tile1x4<H: HalfFormat>(_: H.Type, _ x0: UnsafePointer<Float>, _ w: Rows4,
                                       chunk: Chunk, sums: UnsafeMutablePointer<Vec16>,
                                       prefetch ahead: (rows: Rows4, count: Int), tail: Tail, row r: Int,
                                       out: UnsafeMutablePointer<Float>, valid: Int, accumulate: Bool) {
        let zero = Vec16(repeating: 0)
        var a0 = chunk.first ? zero : sums[0], a1 = chunk.first ? zero : sums[1]
        var a2 = chunk.first ? zero : sums[2], a3 = chunk.first ? zero : sums[3]
        for b in chunk.blocks {
            prefetch(ahead, b)
            let p = 32 * b
            let xe = x0.vec(p), xo = x0.vec(p + 16)
            let v0 = block(H.self, w.0, b), v1 = block(H.self, w.1, b)
            let v2 = block(H.self, w.2, b), v3 = block(H.self, w.3, b)
            a0.madd(xe, v0.even); a1.madd(xe, v1.even); a2.madd(xe, v2.even); a3.madd(xe, v3.even)
            a0.madd(xo, v0.odd); a1.madd(xo, v1.odd); a2.madd(xo, v2.odd); a3.madd(xo, v3.odd)
        }
        guard chunk.last else {
            sums[0] = a0; sums[1] = a1; sums[2] = a2; sums[3] = a3
            return
        }
        put(out, tail.finish(H.self, a0, row: r, weight: 0), accumulate)
        if valid > 1 { put(out + 1, tail.finish(H.self, a1, row: r, weight: 1), accumulate) }
        if valid > 2 { put(out + 2, tail.finish(H.self, a2, row: r, weight: 2), accumulate) }
        if valid > 3 { put(out + 3, tail.finish(H.self, a3, row: r, weight: 3), accumulate) }
    }
}
