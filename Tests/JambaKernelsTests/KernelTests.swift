import XCTest
import JambaSupport
@testable import JambaKernels

/// Every kernel against its naive twin, on random inputs with sizes that do and do not fill a
/// 16-lane vector, with strided rows where the engine uses them.
final class KernelTests: XCTestCase {
    /// One thread: the kernels' reference runs (the thread-count tests make their own contexts).
    let serial = ComputeContext(threads: 1)
    var rng = SplitMix64(seed: 42)

    func random(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in rng.normal() * scale } }

    func assertClose(_ a: [Float], _ b: [Float], rel: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
        XCTAssertLessThanOrEqual(worst / scale, rel, "max |diff| \(worst), max |ref| \(scale)", file: file, line: line)
    }

    func testFastExpMatchesLibm() {
        var worst: Float = 0
        for i in 0..<20_000 {
            let x = -87 + Float(i) * (175.0 / 20_000)
            let v = FastMath.exp(Vec16(repeating: x))[0]
            worst = max(worst, abs(v - Foundation.exp(x)) / Foundation.exp(x))
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(FastMath.exp(Vec16(repeating: 0))[0], 1)
    }

    func testFastLogAndSoftplus() {
        var worst: Float = 0
        for i in 1..<20_000 {
            let x = Float(i) * 0.013
            worst = max(worst, abs(FastMath.log(Vec16(repeating: x))[0] - Foundation.log(x)) / max(abs(Foundation.log(x)), 1e-3))
        }
        XCTAssertLessThan(worst, 5e-7)
        for x: Float in [-30, -20, -5, -1e-3, 0, 1e-3, 0.5, 3, 19.9, 20, 20.1, 50] {
            let ref = x > 20 ? x : Float(Foundation.log1p(Foundation.exp(Double(x))))
            let got = FastMath.softplus(Vec16(repeating: x))[0]
            XCTAssertEqual(got, ref, accuracy: max(abs(ref) * 3e-7, 1e-12), "softplus(\(x))")
        }
    }

    func testLinearMatchesNaive() {
        for (m, n, k) in [(1, 7, 5), (3, 17, 33), (16, 16, 16), (37, 5, 70)] {
            let x = random(m * k), w = random(n * k)
            var out = [Float](repeating: 0, count: m * n)
            BLAS.linear(&out, ldOut: n, x, ldX: k, w, ldW: k, m: m, n: n, k: k, context: serial)
            assertClose(out, Naive.linear(x, w, m: m, n: n, k: k), rel: 1e-5)
        }
    }

    func testSkinnyGEMMMatchesNaiveAndIsThreadIndependent() {
        // Every row count up to maxRows (odd counts end on a lone row, odd n on a lone weight row),
        // k with and without a 16-lane tail, strided rows, and accumulation; (300, 700) is above
        // SkinnyGEMM.forkWeights, so two threads really split it.
        XCTAssertGreaterThanOrEqual(300 * 700, SkinnyGEMM.forkWeights)
        for m in 1...SkinnyGEMM.maxRows {
            for (n, k) in [(5, 16), (33, 70), (8, 300), (64, 600), (300, 700)] {
                let ldX = k + 3, ldOut = n + 2
                let x = random(m * ldX), w = random(n * k)
                let packed = (0..<m).flatMap { Array(x[($0 * ldX)..<($0 * ldX + k)]) }
                let ref = Naive.linear(packed, w, m: m, n: n, k: k)
                let start = random(m * ldOut)
                func run(_ threads: Int, accumulate: Bool) -> [Float] {
                    let context = ComputeContext(threads: threads)
                    var out = start
                    SkinnyGEMM.apply(&out, ldOut: ldOut, x, ldX: ldX, w, ldW: k, m: m, n: n, k: k, accumulate: accumulate, context: context)
                    return out
                }
                let plain = run(1, accumulate: false), summed = run(1, accumulate: true)
                let got = (0..<m).flatMap { Array(plain[($0 * ldOut)..<($0 * ldOut + n)]) }
                assertClose(got, ref, rel: 1e-5)
                let added = (0..<m).flatMap { r in (0..<n).map { summed[r * ldOut + $0] - start[r * ldOut + $0] } }
                assertClose(added, ref, rel: 1e-5)
                // Padding columns between rows are left alone.
                for r in 0..<m { for c in n..<ldOut { XCTAssertEqual(plain[r * ldOut + c], start[r * ldOut + c]) } }
                XCTAssertEqual(plain, run(2, accumulate: false), "m \(m): threads change the bits")
                // Each row alone gives the bits it gets among the others: a sequence's decode does
                // not depend on what else is in the batch.
                for r in 0..<m {
                    var alone = [Float](repeating: 0, count: n)
                    SkinnyGEMM.apply(&alone, ldOut: n, Array(x[(r * ldX)...]), ldX: ldX, w, ldW: k, m: 1, n: n, k: k,
                                     accumulate: false, context: ComputeContext(threads: 1))
                    XCTAssertEqual(alone, Array(plain[(r * ldOut)..<(r * ldOut + n)]), "m \(m), row \(r): the batch changes the bits")
                }
            }
        }
    }

    /// Products handed to the threads together (a decode step's experts) give each output the bits
    /// of its own `apply`, whichever thread's slice of the joined columns it falls in; m > 2 with
    /// k > 512 takes the blocked passes.
    func testGroupedSkinnyProductsMatchOneByOne() {
        let shapes = [(m: 2, n: 300, k: 96), (m: 1, n: 7, k: 600), (m: 5, n: 130, k: 700), (m: 8, n: 64, k: 33)]
        let xs = shapes.map { random($0.m * $0.k) }, ws = shapes.map { random($0.n * $0.k) }
        var alone: [[Float]] = []
        for (i, s) in shapes.enumerated() {
            var out = [Float](repeating: 0, count: s.m * s.n)
            SkinnyGEMM.apply(&out, ldOut: s.n, xs[i], ldX: s.k, ws[i], ldW: s.k, m: s.m, n: s.n, k: s.k, accumulate: false,
                             context: ComputeContext(threads: 1))
            assertClose(out, Naive.linear(xs[i], ws[i], m: s.m, n: s.n, k: s.k), rel: 1e-5)
            alone.append(out)
        }
        // The products need pointers that outlive one closure: copies in allocated memory.
        func held(_ a: [Float]) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, a.count)); p.initialize(from: a, count: a.count); return p
        }
        let xp = xs.map(held), wp = ws.map(held)
        defer { (xp + wp).forEach { $0.deallocate() } }
        for threads in [1, 2] {
            let op = shapes.map { held([Float](repeating: .nan, count: $0.m * $0.n)) }
            defer { op.forEach { $0.deallocate() } }
            let products = shapes.indices.map { i in
                SkinnyGEMM.Product(out: op[i], ldOut: shapes[i].n, x: xp[i], ldX: shapes[i].k, w: wp[i], ldW: shapes[i].k,
                                   m: shapes[i].m, n: shapes[i].n, k: shapes[i].k, accumulate: false)
            }
            products.withUnsafeBufferPointer { SkinnyGEMM.applyGrouped($0, context: ComputeContext(threads: threads)) }
            let outs = shapes.indices.map { Array(UnsafeBufferPointer(start: op[$0], count: shapes[$0].m * shapes[$0].n)) }
            XCTAssertEqual(outs, alone, "\(threads) threads")
        }
    }

    func testOneRowInsideABatchedStepRunsOnTheEngineThreads() {
        // DecoderModel holds OpenBLAS to one thread during a decode step; a one-row product there
        // (batch 1, or an expert one token routed to) must not become a one-core sgemv: it is
        // SkinnyGEMM, bit for bit. Outside such a step one row stays OpenBLAS's sgemv.
        let n = 300, k = 700
        let x = random(k), w = random(n * k)
        let before = ComputeContext.openBLASThreads
        let context = ComputeContext(threads: 2)
        context.claimOpenBLAS()
        defer { ComputeContext(threads: before).claimOpenBLAS() }
        var skinny = [Float](repeating: 0, count: n)
        SkinnyGEMM.apply(&skinny, ldOut: n, x, ldX: k, w, ldW: k, m: 1, n: n, k: k, accumulate: false, context: context)
        var inStep = [Float](repeating: 0, count: n), outside = inStep
        context.withEngineKernels { step in BLAS.linear(&inStep, ldOut: n, x, ldX: k, w, ldW: k, m: 1, n: n, k: k, context: step) }
        XCTAssertEqual(inStep, skinny)
        BLAS.linear(&outside, ldOut: n, x, ldX: k, w, ldW: k, m: 1, n: n, k: k, context: context)
        assertClose(outside, Naive.linear(x, w, m: 1, n: n, k: k), rel: 1e-5)
    }

    /// Weight-sized buffers start on a huge-page boundary (so THP can back them whole); small ones
    /// on a cache line; both zero-filled, both writable to the last element.
    func testFloatBufferAlignment() {
        for count in [1, 100, FloatBuffer.hugePageBytes / 4 - 1, FloatBuffer.hugePageBytes / 4, 3 * FloatBuffer.hugePageBytes / 4 + 5] {
            let b = FloatBuffer(count: count)
            let address = Int(bitPattern: b.pointer)
            XCTAssertEqual(address % 64, 0)
            if count * 4 >= FloatBuffer.hugePageBytes { XCTAssertEqual(address % FloatBuffer.hugePageBytes, 0, "count \(count)") }
            XCTAssertTrue(b.buffer.allSatisfy { $0 == 0 })
            b.pointer[count - 1] = 7
            XCTAssertEqual(b.array.last, 7)
        }
    }

    func testRMSNormMatchesNaiveWithStrides() {
        for dim in [1, 15, 16, 33, 100] {
            let rows = 3, ld = dim + 5
            let x = random(rows * ld), w = random(dim)
            var out = [Float](repeating: 0, count: rows * ld)
            RMSNorm.apply(&out, ldOut: ld, x, ldX: ld, weight: w, rows: rows, dim: dim, eps: 1e-6)
            let packed = (0..<rows).flatMap { Array(x[($0 * ld)..<($0 * ld + dim)]) }
            let got = (0..<rows).flatMap { Array(out[($0 * ld)..<($0 * ld + dim)]) }
            assertClose(got, Naive.rmsNorm(packed, weight: w, rows: rows, dim: dim, eps: 1e-6), rel: 1e-6)
        }
    }

    func testCausalConvMatchesNaiveAndCarriesState() {
        for (c, K) in [(16, 4), (37, 3), (48, 4), (5, 2)] {
            for T in [1, 2, 9] {
                let w = random(c * K), b = random(c), x = random(T * c), s0 = random((K - 1) * c)
                var wT = [Float](repeating: 0, count: K * c)
                for ch in 0..<c { for k in 0..<K { wT[k * c + ch] = w[ch * K + k] } }
                var state = s0
                var out = [Float](repeating: 0, count: T * c)
                CausalConv1D.apply(&out, ldOut: c, x, ldX: c, weight: wT, bias: b, state: &state, steps: T, channels: c, kernel: K, context: serial)
                let ref = Naive.causalConv1D(x, weight: w, bias: b, state: s0, steps: T, channels: c, kernel: K)
                assertClose(out, ref.out, rel: 1e-6)
                XCTAssertEqual(state, ref.state, "conv state after \(T) steps, c \(c), K \(K)")
            }
        }
    }

    func testSelectiveScanMatchesNaive() {
        for (c, N) in [(16, 16), (40, 16), (7, 8), (64, 5)] {
            let T = 11
            let x = random(T * c), B = random(T * N), C = random(T * N), D = random(c)
            let dt = (0..<(T * c)).map { _ in Float.random(in: 0.001...0.3, using: &rng) }
            let aLog = (0..<(c * N)).map { _ in Foundation.log(Float.random(in: 1...16, using: &rng)) }
            let s0 = random(c * N)
            var negA = [Float](repeating: 0, count: N * c), state = [Float](repeating: 0, count: N * c)
            for ch in 0..<c { for n in 0..<N { negA[n * c + ch] = -Foundation.exp(aLog[ch * N + n]); state[n * c + ch] = s0[ch * N + n] } }
            var y = [Float](repeating: 0, count: T * c)
            SelectiveScan.apply(&y, ldY: c, x: x, ldX: c, dt: dt, ldDt: c, B: B, C: C, ldBC: N, A: negA, D: D,
                                state: &state, steps: T, channels: c, states: N, context: serial)
            let ref = Naive.selectiveScan(x: x, dt: dt, B: B, C: C, Alog: aLog, D: D, state: s0, steps: T, channels: c, states: N)
            assertClose(y, ref.y, rel: 2e-6)
            var back = [Float](repeating: 0, count: c * N)
            for ch in 0..<c { for n in 0..<N { back[ch * N + n] = state[n * c + ch] } }
            assertClose(back, ref.state, rel: 2e-6)
        }
    }

    func testSelectiveScanIsIdenticalOnTwoThreads() {
        let c = 256, N = 16, T = 40
        let x = random(T * c), B = random(T * N), C = random(T * N), D = random(c)
        let dt = (0..<(T * c)).map { _ in Float.random(in: 0.001...0.3, using: &rng) }
        let negA = (0..<(N * c)).map { _ in -Float.random(in: 1...16, using: &rng) }
        func run(_ threads: Int) -> [Float] {
            let context = ComputeContext(threads: threads)
            var state = [Float](repeating: 0, count: N * c), y = [Float](repeating: 0, count: T * c)
            SelectiveScan.apply(&y, ldY: c, x: x, ldX: c, dt: dt, ldDt: c, B: B, C: C, ldBC: N, A: negA, D: D,
                                state: &state, steps: T, channels: c, states: N, context: context)
            return y + state
        }
        XCTAssertEqual(run(1), run(2))
    }

    func testCausalAttentionMatchesNaive() {
        // Shapes cover one and several query/key blocks, GQA 3:1 and 4:1, and a cache longer than T.
        let cases = [(T: 5, S: 5, H: 2, KVH: 2, hd: 8), (T: 70, S: 70, H: 6, KVH: 2, hd: 8),
                     (T: 3, S: 300, H: 4, KVH: 1, hd: 16), (T: 1, S: 600, H: 2, KVH: 2, hd: 5),
                     (T: 130, S: 530, H: 3, KVH: 3, hd: 4),
                     (T: 1, S: 700, H: 8, KVH: 2, hd: 16), (T: 1, S: 1, H: 6, KVH: 2, hd: 8), (T: 2, S: 9, H: 4, KVH: 1, hd: 8)]
        for cs in cases {
            let q = random(cs.T * cs.H * cs.hd), k = random(cs.S * cs.KVH * cs.hd, scale: 2), v = random(cs.S * cs.KVH * cs.hd)
            var out = [Float](repeating: 0, count: cs.T * cs.H * cs.hd)
            var scratch = [Float](repeating: 0, count: CausalAttention.scratchCount(heads: cs.H, headDim: cs.hd))
            CausalAttention.apply(&out, ldOut: cs.H * cs.hd, q: q, ldQ: cs.H * cs.hd, k: k, v: v, ldKV: cs.KVH * cs.hd,
                                  queries: cs.T, keys: cs.S, heads: cs.H, kvHeads: cs.KVH, headDim: cs.hd, scratch: &scratch, context: serial)
            let ref = Naive.causalAttention(q: q, k: k, v: v, queries: cs.T, keys: cs.S, heads: cs.H, kvHeads: cs.KVH, headDim: cs.hd)
            assertClose(out, ref, rel: 2e-5)
        }
    }

    func testSlidingWindowAttentionMatchesNaive() {
        // Windows shorter than one key block, spanning block edges, of one key, and longer than
        // the cache; prefill (T = S), a chunk after a cache (T < S), and decode (T = 1, G rows).
        let cases = [(T: 13, S: 13, H: 4, KVH: 2, hd: 8, W: 5), (T: 70, S: 330, H: 6, KVH: 2, hd: 8, W: 300),
                     (T: 40, S: 40, H: 2, KVH: 2, hd: 16, W: 1), (T: 1, S: 600, H: 8, KVH: 2, hd: 16, W: 257),
                     (T: 1, S: 9, H: 2, KVH: 2, hd: 5, W: 100), (T: 130, S: 530, H: 3, KVH: 3, hd: 4, W: 64)]
        for cs in cases {
            let q = random(cs.T * cs.H * cs.hd), k = random(cs.S * cs.KVH * cs.hd, scale: 2), v = random(cs.S * cs.KVH * cs.hd)
            var out = [Float](repeating: 0, count: cs.T * cs.H * cs.hd)
            var scratch = [Float](repeating: 0, count: CausalAttention.scratchCount(heads: cs.H, headDim: cs.hd))
            CausalAttention.apply(&out, ldOut: cs.H * cs.hd, q: q, ldQ: cs.H * cs.hd, k: k, v: v, ldKV: cs.KVH * cs.hd,
                                  queries: cs.T, keys: cs.S, heads: cs.H, kvHeads: cs.KVH, headDim: cs.hd, window: cs.W,
                                  scratch: &scratch, context: serial)
            let ref = Naive.causalAttention(q: q, k: k, v: v, queries: cs.T, keys: cs.S, heads: cs.H, kvHeads: cs.KVH,
                                            headDim: cs.hd, window: cs.W)
            assertClose(out, ref, rel: 2e-5)
            // The window matters here (it is shorter than some query's history): not plain causal.
            if cs.W < cs.S {
                let full = Naive.causalAttention(q: q, k: k, v: v, queries: cs.T, keys: cs.S, heads: cs.H, kvHeads: cs.KVH, headDim: cs.hd)
                XCTAssertNotEqual(ref, full, "window \(cs.W) of \(cs.S) keys changes nothing")
            }
        }
    }

    func testRotaryMatchesNaive() {
        // head_dim 8 (no full vector), 40 (a vector and a tail), 128; rows at arbitrary positions.
        for (rows, heads, hd) in [(3, 2, 8), (5, 3, 40), (2, 4, 128)] {
            let half = hd / 2, ld = heads * hd + 3
            let inv = (0..<half).map { Float(1 / pow(10000.0, Double(2 * $0) / Double(hd))) }
            var x = random(rows * ld)
            let first = 1000
            var cos = [Float](repeating: 0, count: rows * half), sin = cos
            Rotary.fillTable(cos: &cos, sin: &sin, inverseFrequencies: inv, firstPosition: first, rows: rows)
            let packed = (0..<rows).flatMap { Array(x[($0 * ld)..<($0 * ld + heads * hd)]) }
            Rotary.apply(&x, ld: ld, rows: rows, heads: heads, headDim: hd, cos: cos, sin: sin, context: serial)
            let got = (0..<rows).flatMap { Array(x[($0 * ld)..<($0 * ld + heads * hd)]) }
            // The naive twin multiplies position × inv_freq in Double; the kernel rounds the angle
            // to Float first, as transformers does: at position 1000 that is a few 1e-5 of a radian.
            let ref = Naive.rotary(packed, rows: rows, heads: heads, headDim: hd, positions: (0..<rows).map { first + $0 },
                                   inverseFrequencies: inv)
            assertClose(got, ref, rel: 1e-4)
            XCTAssertNotEqual(got, packed)
        }
        // Position 0 is the identity.
        var x = random(16)
        let before = x
        var cos = [Float](repeating: 0, count: 4), sin = cos
        Rotary.fillTable(cos: &cos, sin: &sin, inverseFrequencies: [1, 0.5, 0.25, 0.125], firstPosition: 0, rows: 1)
        Rotary.apply(&x, ld: 16, rows: 1, heads: 2, headDim: 8, cos: cos, sin: sin, context: serial)
        XCTAssertEqual(x, before)
    }

    func testCausalAttentionIsIdenticalOnTwoThreads() {
        // Prefill over several heads and query blocks: tasks split across threads, each with its
        // own scratch, must give the bits one thread gives.
        let T = 200, S = 260, H = 6, KVH = 2, hd = 16
        let q = random(T * H * hd), k = random(S * KVH * hd, scale: 2), v = random(S * KVH * hd)
        func run(_ threads: Int) -> [Float] {
            let context = ComputeContext(threads: threads)
            var out = [Float](repeating: 0, count: T * H * hd)
            var scratch = [Float](repeating: .nan, count: CausalAttention.scratchCount(heads: H, headDim: hd, parts: threads))
            CausalAttention.apply(&out, ldOut: H * hd, q: q, ldQ: H * hd, k: k, v: v, ldKV: KVH * hd, queries: T, keys: S,
                                  heads: H, kvHeads: KVH, headDim: hd, scratch: &scratch, scratchParts: threads, context: context)
            return out
        }
        let one = run(1)
        XCTAssertEqual(one, run(2))
        assertClose(one, Naive.causalAttention(q: q, k: k, v: v, queries: T, keys: S, heads: H, kvHeads: KVH, headDim: hd), rel: 2e-5)
    }

    func testDecodeAttentionMatchesNaiveAndIsIdenticalOnAnyThreads() {
        // One query per head: caches of one key, within one chunk, and of several chunks (1024 keys
        // each, at most 8: 9000 keys make 8 uneven ones), GQA 4:1 and 1:1, one kv head (the chunks
        // are the only split), head_dim with a tail, and sliding windows starting mid-cache.
        let cases = [(S: 1, H: 4, KVH: 1, hd: 16, W: nil as Int?), (S: 700, H: 8, KVH: 2, hd: 16, W: nil),
                     (S: 2500, H: 2, KVH: 2, hd: 37, W: nil), (S: 9000, H: 4, KVH: 1, hd: 32, W: nil),
                     (S: 3000, H: 6, KVH: 2, hd: 16, W: 2100), (S: 600, H: 4, KVH: 2, hd: 8, W: 1)]
        for cs in cases {
            let q = random(cs.H * cs.hd), k = random(cs.S * cs.KVH * cs.hd, scale: 2), v = random(cs.S * cs.KVH * cs.hd)
            func run(_ threads: Int) -> [Float] {
                var out = [Float](repeating: .nan, count: cs.H * cs.hd)
                var scratch = [Float](repeating: .nan, count: CausalAttention.scratchCount(heads: cs.H, headDim: cs.hd, parts: threads))
                CausalAttention.apply(&out, ldOut: cs.H * cs.hd, q: q, ldQ: cs.H * cs.hd, k: k, v: v, ldKV: cs.KVH * cs.hd,
                                      queries: 1, keys: cs.S, heads: cs.H, kvHeads: cs.KVH, headDim: cs.hd, window: cs.W,
                                      scratch: &scratch, scratchParts: threads, context: ComputeContext(threads: threads))
                return out
            }
            let one = run(1)
            let ref = Naive.causalAttention(q: q, k: k, v: v, queries: 1, keys: cs.S, heads: cs.H, kvHeads: cs.KVH,
                                            headDim: cs.hd, window: cs.W)
            assertClose(one, ref, rel: 2e-5)
            XCTAssertEqual(one, run(2), "S \(cs.S): two threads changed the bits")
            XCTAssertEqual(one, run(3), "S \(cs.S): three threads changed the bits")
        }
    }

    func testElementwiseTails() {
        for n in [1, 15, 16, 17, 40] {
            let a = random(n), b = random(n)
            var got = a
            Elementwise.siluMul(&got, b, count: n)
            assertClose(got, zip(a, b).map { Naive.silu($0) * $1 }, rel: 1e-6)
            got = a
            Elementwise.mulSiLU(&got, b, count: n)
            assertClose(got, zip(a, b).map { $0 * Naive.silu($1) }, rel: 1e-6)
        }
    }
}

/// Normal draws for the kernel tests (Box-Muller over the project's seeded generator).
extension SplitMix64 {
    mutating func normal() -> Float {
        let u1 = max(Float.random(in: 0..<1, using: &self), 1e-7), u2 = Float.random(in: 0..<1, using: &self)
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
    }
}
