import XCTest
@testable import JambaEval
@testable import JambaReport

/// The summary's verdicts in words.
final class FindingsTests: XCTestCase {
    typealias F = ReportFixtures
    let models = [ModelInfo(name: "a", source: "x", parametersTotal: 10, parametersActive: 5, baseline: false, fixedStateBytes: 100, kvBytesPerToken: 0),
                  ModelInfo(name: "b", source: "y", parametersTotal: 10, parametersActive: 10, baseline: true, fixedStateBytes: 0, kvBytesPerToken: 8)]

    func build(_ samples: [SampleRecord]) throws -> RunResults {
        try RunResults.build(samples: samples, models: models, suite: SuiteInfo(name: "s", file: "s.yaml", fingerprint: "f", tasks: ["niah"]),
                             environment: F.environment, throughput: nil, tokenization: [], peakResidentBytes: [:])
    }

    /// At length 100 both models get all 20 right (they match); at 400 "a" gets 20 the baseline misses.
    func samples() -> [SampleRecord] {
        (0..<20).flatMap { i in
            [F.sample("s\(i)", model: "a", score: 1, length: 100), F.sample("s\(i)", model: "b", score: 1, length: 100),
             F.sample("l\(i)", model: "a", score: 1, length: 400), F.sample("l\(i)", model: "b", score: 0, length: 400)]
        }
    }

    func testShortestLengthMatchesAndOverallIsBetter() throws {
        let f = try XCTUnwrap(Findings(try build(samples())))
        XCTAssertEqual(f.baseline, "b")
        XCTAssertEqual(f.lines.map(\.length), [100, nil])
        XCTAssertEqual(f.lines.map(\.verdict), [.matches, .better])
        let md = f.markdown().joined(separator: "\n")
        XCTAssertTrue(md.contains("**better** than b on niah (all lengths), +50.0"), md)
        XCTAssertTrue(md.contains("**matches** b"), md)
        XCTAssertTrue(SummaryMarkdown.render(try build(samples())).contains("## Findings against b"))
    }

    func testWorseNeedsSignificanceAndAPoint() {
        func counts(delta: Double, p: Double) -> PairedCounts {
            var c = PairedCounts([])
            c.delta = delta; c.pValue = p; c.onlyThis = 5; c.onlyBaseline = 1
            return c
        }
        XCTAssertEqual(Findings.verdict(counts(delta: -0.3, p: 0.001)), .worse)
        XCTAssertEqual(Findings.verdict(counts(delta: -0.3, p: 0.2)), .matches)
        XCTAssertEqual(Findings.verdict(counts(delta: 0.005, p: 0.0001)), .matches)   // half a point
        XCTAssertEqual(Findings.verdict(counts(delta: 0.02, p: 0.01)), .better)
    }

    /// Partial credit (positions_accuracy): neither model gets a sample wholly right, so McNemar has
    /// no discordant pair and p = 1; a 6.8-point gap must not read as "matches".
    func testPartialCreditGapIsUntestedNotMatching() throws {
        let s = (0..<10).flatMap { i in [F.sample("q\(i)", model: "a", score: 0.2, correct: false),
                                       F.sample("q\(i)", model: "b", score: 0.268, correct: false)] }
        let f = try XCTUnwrap(Findings(try build(s)))
        XCTAssertEqual(f.lines.map(\.verdict), [.untested])
        XCTAssertTrue(f.markdown()[0].contains("untested"), f.markdown()[0])
    }

    func testNoBaselineNoFindings() throws {
        let r = try RunResults.build(samples: [F.sample("x", model: "a", score: 1)], models: [models[0]],
                                     suite: SuiteInfo(name: "s", file: "s.yaml", fingerprint: "f", tasks: ["niah"]),
                                     environment: F.environment, throughput: nil, tokenization: [], peakResidentBytes: [:])
        XCTAssertNil(Findings(r))
    }
}
