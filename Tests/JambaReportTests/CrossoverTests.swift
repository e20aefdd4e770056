import XCTest
@testable import JambaEval
@testable import JambaReport

/// The crossover estimate on hand-computed cases: fits that must recover known coefficients, and
/// crossovers whose lengths and ratios follow from the formulas.
final class CrossoverTests: XCTestCase {
    /// Exact times from a + b·T + c·T² at each length, `repeats` identical repetitions.
    func exact(_ a: Double, _ b: Double, _ c: Double, _ lengths: [Int] = [256, 1024, 4096], repeats: Int = 2)
        -> [(tokens: Int, seconds: Double)] {
        lengths.flatMap { n in Array(repeating: (n, a + b * Double(n) + c * Double(n) * Double(n)), count: repeats) }
    }

    func testFitRecoversKnownCoefficients() throws {
        let f = try XCTUnwrap(PrefillFit.fit(model: "m", exact(0.002, 3e-4, 2e-8)))
        XCTAssertEqual(f.a, 0.002, accuracy: 2e-5)
        XCTAssertEqual(f.b, 3e-4, accuracy: 3e-4 * 1e-3)
        XCTAssertEqual(f.c, 2e-8, accuracy: 2e-8 * 1e-3)
        XCTAssertFalse(f.aHeldAtZero || f.bHeldAtZero || f.cHeldAtZero)
        XCTAssertLessThan(f.residual, 1e-5)
        XCTAssertEqual(f.contexts, [256, 1024, 4096])
        XCTAssertEqual(f.points, 6)
    }

    func testNoisyRepetitionsGiveTheirResidual() throws {
        // ±2% alternating noise on every length: the misfit is about 2%.
        let pts = exact(0.001, 2e-4, 1e-8, [512, 1024, 2048, 4096]).enumerated().map { i, p in
            (tokens: p.tokens, seconds: p.seconds * (i % 2 == 0 ? 1.02 : 0.98))
        }
        let f = try XCTUnwrap(PrefillFit.fit(model: "m", pts))
        XCTAssertEqual(f.residual, 0.02, accuracy: 0.002)
        XCTAssertEqual(f.b, 2e-4, accuracy: 2e-4 * 0.05)
    }

    func testNegativeQuadraticIsRefittedAsLinear() throws {
        // Time per token falling slightly with length (a model without attention, plus noise).
        let f = try XCTUnwrap(PrefillFit.fit(model: "mamba", exact(0.001, 3e-4, -1e-9)))
        XCTAssertTrue(f.cHeldAtZero && !f.bHeldAtZero)
        XCTAssertEqual(f.c, 0)
        XCTAssertGreaterThan(f.b, 0)
    }

    func testNegativeLinearTermIsHeldAtZero() throws {
        // Fixed overhead plus quadratic growth with a per-token term that noise pushes below 0:
        // the fit keeps b at 0 and fits a + c·T² exactly.
        let f = try XCTUnwrap(PrefillFit.fit(model: "attn", exact(0.02, -2e-6, 3e-8)))
        XCTAssertTrue(f.bHeldAtZero && !f.cHeldAtZero)
        XCTAssertEqual(f.b, 0)
        XCTAssertGreaterThan(f.c, 0)
        XCTAssertGreaterThan(f.residual, 0)
    }

    func testNegativeFixedCostIsHeldAtZero() throws {
        // Times that extrapolate below zero at T = 0: the fit keeps a at 0.
        let f = try XCTUnwrap(PrefillFit.fit(model: "m", exact(-0.002, 3e-4, 1e-8)))
        XCTAssertTrue(f.aHeldAtZero && !f.bHeldAtZero && !f.cHeldAtZero)
        XCTAssertEqual(f.a, 0)
        XCTAssertGreaterThan(f.residual, 0)
    }

    func testFewerThanThreeLengthsGiveNoFit() {
        XCTAssertNil(PrefillFit.fit(model: "m", exact(0.001, 3e-4, 1e-8, [512, 2048], repeats: 5)))
        XCTAssertNil(PrefillFit.fit(model: "m", []))
    }

    func fit(_ name: String, _ a: Double, _ b: Double, _ c: Double) -> PrefillFit {
        PrefillFit(model: name, contexts: [256, 1024, 4096], points: 6, a: a, b: b, c: c, aHeldAtZero: false, bHeldAtZero: false, cHeldAtZero: c == 0, residual: 0)
    }

    func testCrossoverLengthAndRatios() {
        // Hybrid: more per-token work, a tenth of the attention. Baseline: the reverse.
        let hybrid = fit("hybrid", 0, 4e-4, 2e-9), base = fit("base", 0, 3e-4, 2e-8)
        let x = Crossover.between(hybrid, base)
        // Equal at T = (4e-4 − 3e-4) / (2e-8 − 2e-9) = 5555.6 tokens.
        XCTAssertEqual(x.kind, .at)
        XCTAssertEqual(x.tokens, 5556)
        XCTAssertTrue(x.extrapolated)
        XCTAssertEqual(x.ratios.map(\.context), [131_072, 262_144])
        // Ratio = (3e-4 + 2e-8·T) / (4e-4 + 2e-9·T).
        for r in x.ratios {
            let t = Double(r.context)
            XCTAssertEqual(r.ratio, (3e-4 + 2e-8 * t) / (4e-4 + 2e-9 * t), accuracy: 1e-9)
        }
        // Fixed costs move it: the hybrid's extra 10 ms pushes the crossover out.
        let later = Crossover.between(fit("hybrid", 0.01, 4e-4, 2e-9), base)
        XCTAssertGreaterThan(later.tokens ?? 0, 5556)
    }

    func testAlwaysFasterAndNever() {
        let base = fit("base", 0.001, 3e-4, 2e-8)
        XCTAssertEqual(Crossover.between(fit("fast", 0.0005, 2e-4, 1e-9), base).kind, .alwaysFaster)
        XCTAssertNil(Crossover.between(fit("fast", 0.0005, 2e-4, 1e-9), base).tokens)
        // More attention cost than the baseline but cheaper per token: ahead at short prompts,
        // behind from (1e-4 + √(1e-8 + 4·2e-8·1e-3)) / (2·2e-8) ≈ 5,010 tokens on.
        let until = Crossover.between(fit("slow", 0, 2e-4, 4e-8), base)
        XCTAssertEqual(until.kind, .fasterUntil)
        XCTAssertEqual(Double(until.tokens ?? 0), 5010, accuracy: 1)
        // Dearer in every term: slower at every length.
        let never = Crossover.between(fit("slower", 0.002, 4e-4, 4e-8), base)
        XCTAssertEqual(never.kind, .never)
        XCTAssertNil(never.tokens)
        // Identical quadratic terms, cheaper per token but a larger fixed cost: linear crossover.
        let linear = Crossover.between(fit("lin", 0.101, 2e-4, 2e-8), base)
        XCTAssertEqual(linear.kind, .at)
        XCTAssertEqual(Double(linear.tokens ?? 0), 1000, accuracy: 1)  // 0.1 s ÷ 1e-4 s per token
    }

    func testFasterAtShortPromptsThenSlower() {
        // Cheaper per token but more attention than the baseline: d(T) = T(−1e-4 + 1e-9·T) is
        // negative until T = 100,000, then positive for good.
        let x = Crossover.between(fit("m", 0, 2e-4, 2.1e-8), fit("base", 0, 3e-4, 2e-8))
        XCTAssertEqual(x.kind, .fasterUntil)
        XCTAssertEqual(Double(x.tokens ?? 0), 100_000, accuracy: 1)
    }

    func testLeadInAWindowThenForGood() {
        // Faster below ≈ 556 tokens (the baseline's 50 ms fixed cost), slower to 5,000, then
        // faster for good: `at` names where the lasting lead starts.
        let x = Crossover.between(fit("m", 0, 4e-4, 2e-9), fit("base", 0.05, 3e-4, 2e-8))
        XCTAssertEqual(x.kind, .at)
        XCTAssertEqual(Double(x.tokens ?? 0), 5000, accuracy: 1)
        let md = RunReport.summary(try! withCrossover(x))
        XCTAssertTrue(md.contains("- m vs base: overtakes it from ≈ 5,000 tokens on (beyond the longest probe, 4K: extrapolated)"), md)
    }

    func testExtrapolatedCountsTheShorterProbes() {
        // The model was probed to 64K but the baseline only to 4K: a crossover at 5,556 tokens is
        // beyond what both were measured at.
        var m = fit("m", 0, 4e-4, 2e-9)
        m.contexts = [1024, 16384, 65536]
        let x = Crossover.between(m, fit("base", 0, 3e-4, 2e-8))
        XCTAssertEqual(x.tokens, 5556)
        XCTAssertTrue(x.extrapolated)
    }

    /// The fixture results with `crossover` replaced.
    func withCrossover(_ c: Crossover) throws -> RunResults {
        var r = try ReportFixtures.fullResults()
        r.crossover = CrossoverEstimate(fits: [fit(c.model, 0, 4e-4, 2e-9), fit(c.baseline, 0.05, 3e-4, 2e-8)], crossovers: [c])
        return r
    }

    func testEstimateFromBenchReportAndMemoryLimit() throws {
        let r = try ReportFixtures.fullResults()
        let x = try XCTUnwrap(r.crossover)
        XCTAssertEqual(x.fits.map(\.model), ReportFixtures.models.map(\.name))
        XCTAssertEqual(x.crossovers.count, 1)
        XCTAssertEqual(x.crossovers[0].baseline, "transformer")
        // The fixture's rates (2600 / (1 + T/200000) vs 3000 / (1 + T/12000), ±3% noise) cross at
        // (1/2600 − 1/3000) / (1/36e6 − 1/520e6) ≈ 1,980 tokens.
        XCTAssertEqual(x.crossovers[0].kind, .at)
        XCTAssertEqual(Double(x.crossovers[0].tokens ?? 0), 1980, accuracy: 400)
        // Memory: (24 GiB − weights − fixed state) ÷ KV bytes per token, rounded down.
        for (m, usage) in zip(ReportFixtures.models, r.memory) {
            XCTAssertEqual(usage.weightBytes, 4 * m.parametersTotal)
            XCTAssertEqual(usage.maxContextTokens, ((24 << 30) - 4 * m.parametersTotal - m.fixedStateBytes) / m.kvBytesPerToken)
        }
        let noKV = ModelInfo(name: "mamba", source: "", parametersTotal: 10, parametersActive: 10, baseline: false,
                             fixedStateBytes: 100, kvBytesPerToken: 0)
        XCTAssertNil(MemoryUsage.maxContext(noKV, memoryBytes: 1 << 30))
    }

    func testSummaryShowsTheFitsAndTheCrossover() throws {
        let md = RunReport.summary(try ReportFixtures.fullResults())
        XCTAssertTrue(md.contains("## Prefill scaling and crossover"))
        XCTAssertTrue(md.contains("| model | TTFT 1K | TTFT 4K | TTFT 16K | TTFT 64K | a | b per token | c per token² | residual |"), md)
        XCTAssertTrue(md.contains("- jamba vs transformer: overtakes it from ≈ "), md)
        XCTAssertTrue(md.contains("128K: "), md)
        XCTAssertTrue(md.contains("longest context in memory"), md)
    }
}
