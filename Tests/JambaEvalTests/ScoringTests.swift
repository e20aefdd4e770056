import XCTest
@testable import JambaEval

final class ScoringTests: XCTestCase {
    func testRulerStringMatches() {
        XCTAssertEqual(Scoring.score(.stringMatchAll, prediction: "The numbers are 123 and 456.", references: ["123", "456", "789"]), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(Scoring.score(.stringMatchAll, prediction: "APPLE", references: ["apple"]), 1)
        XCTAssertEqual(Scoring.score(.stringMatchPart, prediction: "it is 456", references: ["123", "456"]), 1)
        XCTAssertEqual(Scoring.score(.stringMatchPart, prediction: "none", references: ["123"]), 0)
        XCTAssertEqual(Scoring.score(.exactMatch, prediction: "  42\n", references: ["42"]), 1)
        XCTAssertEqual(Scoring.score(.exactMatch, prediction: "42.", references: ["42"]), 0)
    }

    func testMeanAndStandardError() {
        let s = MetricSummary([1, 0, 1, 1])
        XCTAssertEqual(s.n, 4)
        XCTAssertEqual(s.mean, 0.75)
        XCTAssertEqual(s.stderr, (0.25 / 4).squareRoot(), accuracy: 1e-12)   // sample variance 0.25
        XCTAssertEqual(MetricSummary([]).n, 0)
    }

    func testMcNemarExactAgainstHandValues() {
        // b = 0, c = 5: p = 2 · 0.5^5 = 0.0625
        XCTAssertEqual(PairedComparison.mcnemarExact(0, 5), 0.0625, accuracy: 1e-12)
        // b = 2, c = 8: p = 2 · (1 + 10 + 45) / 1024 = 0.109375
        XCTAssertEqual(PairedComparison.mcnemarExact(2, 8), 0.109375, accuracy: 1e-12)
        XCTAssertEqual(PairedComparison.mcnemarExact(3, 3), 1)
        XCTAssertEqual(PairedComparison.mcnemarExact(0, 0), 1)
        // Large counts stay finite and tiny.
        let p = PairedComparison.mcnemarExact(100, 300)
        XCTAssertGreaterThan(p, 0)
        XCTAssertLessThan(p, 1e-20)
    }

    func testPairedTable() {
        let c = PairedComparison(this: [true, true, false, false, true], baseline: [true, false, true, false, false])
        XCTAssertEqual([c.bothRight, c.onlyThis, c.onlyBaseline, c.bothWrong], [1, 2, 1, 1])
        XCTAssertEqual(c.pValue, 1, accuracy: 1e-12)   // b = 2, c = 1: 2 · (1 + 3) / 8 = 1
    }
}
