import XCTest
import JambaSupport
@testable import JambaEval
@testable import JambaReport

/// Same samples, any order: the same results.json bytes and the same report files.
final class DeterminismTests: XCTestCase {
    func testShuffledSamplesGiveIdenticalBytes() throws {
        let samples = ReportFixtures.needleSamples()
        let a = try ReportFixtures.fullResults(samples: samples)
        var rng = SplitMix64(seed: 20261130)   // seeded: a failing shuffle can be replayed
        for _ in 0..<3 {
            let b = try RunResults.build(samples: samples.shuffled(using: &rng), models: ReportFixtures.allModels, suite: ReportFixtures.suite,
                                         environment: a.environment, throughput: ReportFixtures.bench(),
                                         tokenization: ReportFixtures.tokenization().shuffled(using: &rng),
                                         peakResidentBytes: ["transformer": 655_000_000, "jamba": 412_000_000],
                                         sharding: ReportFixtures.sharding)
            XCTAssertEqual(try a.jsonData(), try b.jsonData())
            let fa = try RunReport.files(a), fb = try RunReport.files(b)
            XCTAssertEqual(fa.map(\.name), fb.map(\.name))
            for (x, y) in zip(fa, fb) { XCTAssertEqual(x.contents, y.contents, x.name) }
        }
    }

    /// Sums run in id order, so even scores whose float sum depends on order come out the same.
    func testOrderSensitiveSumsAreStable() throws {
        let scores = [1e16, 1, -1e16, 0.1, 0.7, 1e-9]
        let samples = scores.enumerated().map { ReportFixtures.sample("id\($0.offset)", model: "jamba", score: $0.element, seconds: $0.element) }
        func build(_ s: [SampleRecord]) throws -> Data {
            try RunResults.build(samples: s, models: [ReportFixtures.models[0]], suite: ReportFixtures.suite,
                                 environment: ReportFixtures.environment).jsonData()
        }
        XCTAssertEqual(try build(samples), try build(samples.reversed()))
    }
}

