import XCTest
@testable import JambaEval
@testable import JambaReport

/// RunResults.build on hand-made samples whose every number is computed by hand below.
final class AggregationTests: XCTestCase {
    typealias F = ReportFixtures

    /// Model "a" against baseline "b" on task "niah": 6 samples at two lengths and three depths.
    func handMade() -> [SampleRecord] {
        [F.sample("s1", model: "a", score: 1, length: 1000, depth: 0.0),
         F.sample("s2", model: "a", score: 1, length: 1000, depth: 0.2499),   // rounds to 0.25
         F.sample("s3", model: "a", score: 0.5, correct: false, length: 1000, depth: 0.25),
         F.sample("s4", model: "a", score: 1, length: 2000, depth: 0.0),
         F.sample("s5", model: "a", score: 1, length: 2000, depth: 0.5),
         F.sample("s6", model: "a", score: 0, length: 2000, depth: 0.5),
         F.sample("s1", model: "b", score: 0, length: 1000, depth: 0.0),
         F.sample("s2", model: "b", score: 0, length: 1000, depth: 0.2499),
         F.sample("s3", model: "b", score: 1, length: 1000, depth: 0.25),
         F.sample("s4", model: "b", score: 0, length: 2000, depth: 0.0),
         F.sample("s5", model: "b", score: 0, length: 2000, depth: 0.5),
         // s6 missing for b: it counts for a's accuracy but not in the pairs.
         F.sample("s7", model: "b", score: 1, length: 2000, depth: 0.5)]
    }

    let models = [ModelInfo(name: "a", source: "x", parametersTotal: 10, parametersActive: 5, baseline: false, fixedStateBytes: 100, kvBytesPerToken: 0),
                  ModelInfo(name: "b", source: "y", parametersTotal: 10, parametersActive: 10, baseline: true, fixedStateBytes: 0, kvBytesPerToken: 8)]

    func build(_ samples: [SampleRecord], tokenization: [TokenizationTime] = [], bench: BenchReport? = nil) throws -> RunResults {
        try RunResults.build(samples: samples, models: models, suite: SuiteInfo(name: "s", file: "s.yaml", fingerprint: "f", tasks: ["niah"]),
                             environment: F.environment, throughput: bench, tokenization: tokenization, peakResidentBytes: ["a": 1234])
    }

    func testOverallMeanAndStandardError() throws {
        let r = try build(handMade())
        let a = try XCTUnwrap(r.accuracy(model: "a", task: "niah"))
        // scores 1, 1, .5, 1, 1, 0: mean 4.5/6 = .75; squared deviations .0625·4 + .0625 + .5625 = .875;
        // variance .875/5 = .175; stderr sqrt(.175/6).
        XCTAssertEqual(a.overall.n, 6)
        XCTAssertEqual(a.overall.mean, 0.75, accuracy: 1e-12)
        XCTAssertEqual(a.overall.stderr, (0.175 / 6).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(a.metric, .stringMatchAll)
        XCTAssertEqual(r.sampleCount, 12)
        XCTAssertEqual(r.baseline, "b")
        XCTAssertEqual(r.accuracy.map(\.model), ["a", "b"])
    }

    func testBucketsByLengthDepthAndCell() throws {
        let a = try XCTUnwrap(try build(handMade()).accuracy(model: "a", task: "niah"))
        XCTAssertEqual(a.byLength.map(\.length), [1000, 2000])
        XCTAssertEqual(a.byLength.map(\.accuracy.n), [3, 3])
        XCTAssertEqual(a.byLength[0].accuracy.mean, 2.5 / 3, accuracy: 1e-12)
        XCTAssertEqual(a.byLength[1].accuracy.mean, 2.0 / 3, accuracy: 1e-12)
        // 0.2499 and 0.25 share a bucket.
        XCTAssertEqual(a.byDepth.map(\.depth), [0, 0.25, 0.5])
        XCTAssertEqual(a.byDepth.map(\.accuracy.n), [2, 2, 2])
        XCTAssertEqual(a.byDepth.map(\.accuracy.mean), [1, 0.75, 0.5])
        XCTAssertEqual(a.cells.map { "\($0.length)@\($0.depth)" }, ["1000@0.0", "1000@0.25", "2000@0.0", "2000@0.5"])
        XCTAssertEqual(a.cells.map(\.accuracy.n), [1, 2, 1, 2])
        XCTAssertEqual(a.cell(length: 2000, depth: 0.5)?.accuracy.mean, 0.5)
        XCTAssertEqual(a.cell(length: 2000, depth: 0.5)?.accuracy.stderr ?? 0, (0.5 / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(a.promptTokens, 1000 * 3 + 2000 * 3)
        XCTAssertEqual(a.generatedTokens, 24)
        XCTAssertEqual(a.engineSeconds, 3, accuracy: 1e-12)
        XCTAssertEqual(a.meanTimeToFirstToken ?? 0, 0.1, accuracy: 1e-12)
    }

    func testSamplesWithoutDepthHaveNoDepthBuckets() throws {
        let r = try build([F.sample("x", model: "a", task: "mqar", metric: .positionsAccuracy, score: 1, ttft: nil)])
        let a = try XCTUnwrap(r.accuracy(model: "a", task: "mqar"))
        XCTAssertEqual(a.byDepth, [])
        XCTAssertEqual(a.cells, [])
        XCTAssertNil(a.meanTimeToFirstToken)
        XCTAssertEqual(a.byLength.count, 1)
        XCTAssertTrue(r.comparisons.isEmpty)   // the baseline has no samples of mqar
    }

    func testPairedCountsAndPValue() throws {
        let c = try XCTUnwrap(try build(handMade()).comparison(model: "a", task: "niah"))
        XCTAssertEqual(c.baseline, "b")
        // Pairs s1..s5 (s6 and s7 are unpaired): a right on s1 s2 s4 s5, b right on s3.
        XCTAssertEqual(c.overall.n, 5)
        XCTAssertEqual([c.overall.bothRight, c.overall.onlyThis, c.overall.onlyBaseline, c.overall.bothWrong], [0, 4, 1, 0])
        // McNemar exact: 2 · P[X ≤ 1], X ~ Bin(5, 1/2) = 2 · 6/32.
        XCTAssertEqual(c.overall.pValue, 0.375, accuracy: 1e-12)
        // Score difference over the pairs: (1 + 1 − .5 + 1 + 1) / 5.
        XCTAssertEqual(c.overall.delta, 0.7, accuracy: 1e-12)
        XCTAssertEqual(c.byLength.map(\.length), [1000, 2000])
        XCTAssertEqual(c.byLength[0].paired.n, 3)
        XCTAssertEqual([c.byLength[0].paired.onlyThis, c.byLength[0].paired.onlyBaseline], [2, 1])
        XCTAssertEqual(c.byLength[0].paired.pValue, 1, accuracy: 1e-12)   // 2 · P[X ≤ 1 | n 3] = 2 · 4/8, capped at 1
        XCTAssertEqual([c.byLength[1].paired.n, c.byLength[1].paired.onlyThis], [2, 2])
        XCTAssertEqual(c.byLength[1].paired.pValue, 0.5, accuracy: 1e-12)   // 2 · (1/2)²
    }

    func testSmallPValueOnManyDiscordantPairs() throws {
        // 12 samples the model gets and the baseline misses: p = 2 / 2^12.
        let s = (0..<12).flatMap { i in [F.sample("q\(i)", model: "a", score: 1), F.sample("q\(i)", model: "b", score: 0)] }
        let c = try XCTUnwrap(try build(s).comparison(model: "a", task: "niah"))
        XCTAssertEqual(c.overall.pValue, 2 / 4096, accuracy: 1e-15)
        XCTAssertEqual(c.overall.delta, 1)
    }

    func testMemoryTokenizationAndOrders() throws {
        let tok = [TokenizationTime(model: "b", task: "niah", tokens: 5, seconds: 1),
                   TokenizationTime(model: "a", task: "zeta", tokens: 6, seconds: 1),
                   TokenizationTime(model: "a", task: "niah", tokens: 7, seconds: 1)]
        let r = try build(handMade() + [F.sample("z", model: "a", task: "zeta", score: 1, length: 3000)], tokenization: tok)
        // Tasks the suite does not list come after its own, sorted.
        XCTAssertEqual(r.tasks, ["niah", "zeta"])
        XCTAssertEqual(r.tokenization.map { "\($0.model)/\($0.task)" }, ["a/niah", "a/zeta", "b/niah"])
        XCTAssertEqual(r.memory.map(\.model), ["a", "b"])
        XCTAssertEqual(r.memory[0].peakRSSBytes, 1234)
        XCTAssertNil(r.memory[1].peakRSSBytes)
        XCTAssertEqual(r.memory[1].stateBytes.map(\.context), [1000, 2000, 3000])
        XCTAssertEqual(r.memory[1].stateBytes.map(\.bytes), [8000, 16000, 24000])
        XCTAssertEqual(r.memory[0].stateBytes.map(\.bytes), [100, 100, 100])
    }

    func testThroughputContextsJoinTheMemoryTable() throws {
        let r = try build(handMade(), bench: F.bench())
        // Sample lengths 1000 and 2000, prefill and decode contexts 1K…64K; decode at d0 adds nothing.
        XCTAssertEqual(r.memory[0].stateBytes.map(\.context), [1000, 1024, 2000, 4096, 16384, 65536])
    }

    // MARK: Errors

    func testDuplicateSampleIsRefusedNamingTheFile() {
        XCTAssertThrowsError(try build(handMade() + [F.sample("s3", model: "a", score: 1)])) { e in
            XCTAssertEqual("\(e)", "samples/a/niah.jsonl: sample 's3' is recorded more than once")
        }
    }

    func testUnknownModelIsRefused() {
        XCTAssertThrowsError(try build([F.sample("s1", model: "c", score: 1)])) { e in
            guard case ReportError.unknownModel(let file, let model) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(file, "samples/c/niah.jsonl"); XCTAssertEqual(model, "c")
        }
    }

    func testMixedMetricsAreRefused() {
        let s = [F.sample("s1", model: "a", score: 1), F.sample("s2", model: "a", metric: .exactMatch, score: 1)]
        XCTAssertThrowsError(try build(s)) { e in
            XCTAssertTrue("\(e)".contains("mixes metrics exact_match, string_match_all"), "\(e)")
        }
    }

    func testNonFiniteScoreIsRefused() {
        XCTAssertThrowsError(try build([F.sample("s1", model: "a", score: .nan)])) { e in
            XCTAssertEqual("\(e)", "samples/a/niah.jsonl: sample 's1': field 'score' is not a finite number")
        }
    }
}
