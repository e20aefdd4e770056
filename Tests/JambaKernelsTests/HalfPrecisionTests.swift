import XCTest
import JambaSupport
@testable import JambaKernels

/// BF16 and F16 weights read as stored: the widening against the scalar conversions on every bit
/// pattern, and the decode and prefill kernels against their naive twin.
final class HalfPrecisionTests: XCTestCase {
    /// One thread: the kernels' reference runs (the thread-count tests make their own contexts).
    let serial = ComputeContext(threads: 1)
    var rng = SplitMix64(seed: 7)

    func random(_ n: Int) -> [Float] { (0..<n).map { _ in rng.normal() } }

    /// Bit-identical results, NaN counted equal to NaN.
    func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    func testWideningIsExactForEveryBitPattern() {
        let all = (0...UInt16.max).map { $0 }
        var wide = [Float](repeating: 0, count: all.count)
        for (format, reference) in [(true, { (b: UInt16) in Float(bitPattern: UInt32(b) << 16) }),
                                    (false, { (b: UInt16) in Float(Float16(bitPattern: b)) })] {
            all.withUnsafeBufferPointer { src in
                if format { HalfPrecision.widen(BF16.self, &wide, src.baseAddress!, count: all.count) }
                else { HalfPrecision.widen(F16.self, &wide, src.baseAddress!, count: all.count) }
            }
            var wrong = 0
            for b in all {
                let scalar = format ? BF16.float(b) : F16.float(b)
                if !same(wide[Int(b)], reference(b)) || !same(scalar, reference(b)) { wrong += 1 }
            }
            XCTAssertEqual(wrong, 0, format ? "bf16" : "f16")
        }
    }

    func testNarrowingRoundsToNearestEven() {
        // Every finite BF16 and F16 value survives the round trip.
        for b in 0...UInt16.max where BF16.float(b).isFinite { XCTAssertEqual(BF16.narrow(BF16.float(b)), b) }
        for b in 0...UInt16.max where F16.float(b).isFinite {
            XCTAssertEqual(F16.narrow(F16.float(b)), b)
        }
        // Ties go to the even neighbour; above the tie rounds up.
        XCTAssertEqual(BF16.narrow(Float(bitPattern: 0x3F80_8000)), 0x3F80)   // 1 + 2^-8: tie, 1 is even
        XCTAssertEqual(BF16.narrow(Float(bitPattern: 0x3F81_8000)), 0x3F82)   // tie, odd below: up
        XCTAssertEqual(BF16.narrow(Float(bitPattern: 0x3F80_8001)), 0x3F81)
        XCTAssertTrue(BF16.float(BF16.narrow(.nan)).isNaN)
        XCTAssertEqual(BF16.narrow(.infinity), 0x7F80)
    }

    /// (bits, reference weights) of a random [n, k] matrix in BF16 or F16.
    func halfMatrix(_ count: Int, bf16: Bool) -> [UInt16] {
        random(count).map { bf16 ? BF16.narrow($0) : F16.narrow($0) }
    }

    func testHalfSkinnyGEMMMatchesNaiveAndIsThreadIndependent() {
        for bf16 in [true, false] {
            for m in 1...HalfSkinnyGEMM.maxRows {
                // (300, 700): above HalfSkinnyGEMM.forkWeights, so two threads really split it.
                for (n, k) in [(5, 16), (33, 70), (8, 300), (64, 600), (3, 129), (300, 700)] {
                    let ldX = k + 3, ldOut = n + 2, ldW = k + 5
                    let x = random(m * ldX), w = halfMatrix(n * ldW, bf16: bf16)
                    let packedX = (0..<m).flatMap { Array(x[($0 * ldX)..<($0 * ldX + k)]) }
                    let packedW = (0..<n).flatMap { Array(w[($0 * ldW)..<($0 * ldW + k)]) }
                    let ref = Naive.halfLinear(packedX, packedW, bf16: bf16, m: m, n: n, k: k)
                    let start = random(m * ldOut)
                    func run(_ threads: Int, accumulate: Bool) -> [Float] {
                        let context = ComputeContext(threads: threads)
                        var out = start
                        w.withUnsafeBufferPointer { wp in
                            let data: WeightData = bf16 ? .bf16(wp.baseAddress!) : .f16(wp.baseAddress!)
                            BLAS.linear(&out, ldOut: ldOut, x, ldX: ldX, data, ldW: ldW, m: m, n: n, k: k, beta: accumulate ? 1 : 0,
                                        context: context)
                        }
                        return out
                    }
                    let plain = run(1, accumulate: false), summed = run(1, accumulate: true)
                    let got = (0..<m).flatMap { Array(plain[($0 * ldOut)..<($0 * ldOut + n)]) }
                    assertClose(got, ref, rel: 1e-5)
                    let added = (0..<m).flatMap { r in (0..<n).map { summed[r * ldOut + $0] - start[r * ldOut + $0] } }
                    assertClose(added, ref, rel: 1e-5)
                    for r in 0..<m { for c in n..<ldOut { XCTAssertEqual(plain[r * ldOut + c], start[r * ldOut + c]) } }
                    XCTAssertEqual(plain, run(2, accumulate: false), "m \(m): threads change the bits")
                    // Each row alone gives the bits it gets among the others: a sequence's decode
                    // does not depend on what else is in the batch.
                    for r in 0..<m {
                        var alone = [Float](repeating: 0, count: n)
                        let row = Array(x[(r * ldX)..<(r * ldX + k)])
                        w.withUnsafeBufferPointer { wp in
                            let data: WeightData = bf16 ? .bf16(wp.baseAddress!) : .f16(wp.baseAddress!)
                            BLAS.linear(&alone, ldOut: n, row, ldX: k, data, ldW: ldW, m: 1, n: n, k: k, beta: 0,
                                        context: serial)
                        }
                        XCTAssertEqual(alone, Array(plain[(r * ldOut)..<(r * ldOut + n)]),
                                       "m \(m), row \(r): the batch changes the bits")
                    }
                }
            }
        }
    }

    func testPanelGEMMMatchesNaiveAcrossPanels() {
        // k = 7000: panels of 299 rows (8 MiB), so n = 300 spans two (the second of one row); m
        // above the skinny limit.
        XCTAssertEqual(PanelGEMM.panelRows(n: 300, k: 7000), 299)
        XCTAssertEqual(PanelGEMM.panelRows(n: 100, k: 7000), 100)
        XCTAssertEqual(PanelGEMM.panelRows(n: 5000, k: 100_000), 256)
        for bf16 in [true, false] {
            for (m, n, k) in [(9, 300, 7000), (37, 7, 70), (20, 600, 17)] {
                let ldX = k + 1, ldOut = n + 3, ldW = k + 2
                let x = random(m * ldX), w = halfMatrix(n * ldW, bf16: bf16)
                let packedX = (0..<m).flatMap { Array(x[($0 * ldX)..<($0 * ldX + k)]) }
                let packedW = (0..<n).flatMap { Array(w[($0 * ldW)..<($0 * ldW + k)]) }
                let ref = Naive.halfLinear(packedX, packedW, bf16: bf16, m: m, n: n, k: k)
                let start = random(m * ldOut)
                for accumulate in [false, true] {
                    var out = start
                    w.withUnsafeBufferPointer { wp in
                        let data: WeightData = bf16 ? .bf16(wp.baseAddress!) : .f16(wp.baseAddress!)
                        BLAS.linear(&out, ldOut: ldOut, x, ldX: ldX, data, ldW: ldW, m: m, n: n, k: k, beta: accumulate ? 1 : 0,
                                    context: serial)
                    }
                    var got: [Float] = []
                    for r in 0..<m {
                        for c in 0..<n { got.append(out[r * ldOut + c] - (accumulate ? start[r * ldOut + c] : 0)) }
                    }
                    assertClose(got, ref, rel: 1e-5)
                    for r in 0..<m { for c in n..<ldOut { XCTAssertEqual(out[r * ldOut + c], start[r * ldOut + c]) } }
                }
            }
        }
    }

    /// SpinTeam hands out exactly ComputeContext's ranges, each once, job after job, whatever the team
    /// size (a helper lagging into the next job would run a part twice or read the wrong closure).
    func testSpinTeamCoversEveryIndexOncePerJob() {
        XCTAssertGreaterThanOrEqual(300 * 700, HalfSkinnyGEMM.forkWeights)
        for threads in [2, 3, 2, 1] {
            for round in 0..<2000 {
                let count = 1 + (round * 37) % 97
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0, count: count)
                var ranges: [Range<Int>] = []
                let lock = NSLock()
                SpinTeam.shared.forRanges(count, threads: threads) { range in
                    for i in range { hits[i] += 1 }
                    lock.lock(); ranges.append(range); lock.unlock()
                }
                let n = min(threads, count)
                let expected = (0..<n).map { (count * $0 / n)..<(count * ($0 + 1) / n) }
                XCTAssertEqual(ranges.sorted { $0.lowerBound < $1.lowerBound }, expected, "count \(count), threads \(threads)")
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count), threads \(threads)")
                hits.deallocate()
            }
        }
    }

    /// Guided claims cover every index once per job, each claim a whole number of grains but the
    /// last, with claims that shrink as the job runs out, whatever the team size; a claim from
    /// inside a part (the team is busy) still covers everything.
    func testSpinTeamGuidedClaimsCoverEveryIndexOnce() {
        for threads in [2, 3, 1, 2] {
            for round in 0..<1000 {
                let count = 1 + (round * 53) % 400, grain = [1, 4, 16][round % 3]
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0, count: count)
                defer { hits.deallocate() }
                var ranges: [Range<Int>] = []
                let lock = NSLock()
                SpinTeam.shared.forGuidedRanges(count, threads: threads, grain: grain) { range in
                    for i in range { hits[i] += 1 }
                    lock.lock(); ranges.append(range); lock.unlock()
                }
                let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count), threads \(threads)")
                XCTAssertEqual(sorted.first?.lowerBound, 0)
                XCTAssertEqual(sorted.last?.upperBound, count)
                for r in sorted.dropLast() { XCTAssertEqual(r.count % grain, 0, "count \(count), grain \(grain): \(r)") }
                // Claimed in order of their starts: sizes never grow (the first is about
                // count / (2 · threads) rounded up to a grain).
                for (a, b) in zip(sorted, sorted.dropFirst()) where b.upperBound < count {
                    XCTAssertGreaterThanOrEqual(a.count, b.count, "count \(count), grain \(grain): \(sorted)")
                }
                if threads > 1 && count >= 8 * grain * threads { XCTAssertGreaterThan(sorted.count, threads) }
            }
        }
        // Nested: the inner job finds the team busy and still covers its indices once.
        let inner = UnsafeMutablePointer<Int>.allocate(capacity: 64 * 50)
        inner.initialize(repeating: 0, count: 64 * 50)
        defer { inner.deallocate() }
        SpinTeam.shared.forGuidedRanges(64, threads: 2, grain: 4) { outer in
            for o in outer {
                SpinTeam.shared.forGuidedRanges(50, threads: 2, grain: 4) { range in for i in range { inner[o * 50 + i] += 1 } }
            }
        }
        XCTAssertTrue((0..<(64 * 50)).allSatisfy { inner[$0] == 1 })
    }

    func testHalfNonFiniteScan() {
        var bits = [UInt16](repeating: BF16.narrow(1.5), count: 100)
        XCTAssertNil(NonFinite.first(halves: bits, bits.count, exponentMask: 0x7F80))
        bits[37] = 0x7FC0   // NaN
        bits[90] = 0xFF80   // -Inf
        XCTAssertEqual(NonFinite.first(halves: bits, bits.count, exponentMask: 0x7F80), 37)
        XCTAssertEqual(NonFinite.count(halves: bits, bits.count, exponentMask: 0x7F80), 2)
        let f16: [UInt16] = [F16.narrow(65504), F16.narrow(-3), 0x7C00]
        XCTAssertEqual(NonFinite.first(halves: f16, f16.count, exponentMask: 0x7C00), 2)
    }

    func assertClose(_ a: [Float], _ b: [Float], rel: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
        XCTAssertLessThanOrEqual(worst / scale, rel, "max |diff| \(worst), max |ref| \(scale)", file: file, line: line)
    }
}
