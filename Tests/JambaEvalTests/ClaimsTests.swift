import XCTest
@testable import JambaEval
@testable import JambaReport

/// The claims benchmark's logic with the measuring injected: the search, the estimates, the
/// runner's bookkeeping and the rendering. Nothing here is timed.
final class ClaimsTests: XCTestCase {
    // MARK: FitSearch

    /// fits(n) = n ≤ threshold, counting probes.
    func search(_ s: FitSearch, threshold: Int) -> (FitSearch.Outcome, Int) {
        var calls = 0
        let out = s.run { n -> Bool in calls += 1; return n <= threshold }
        return (out, calls)
    }

    func testWithoutAGuessItDoublesThenBisects() {
        let (out, _) = search(FitSearch(unit: 1), threshold: 37)
        XCTAssertEqual(out.largestFitting, 37)
        XCTAssertEqual(out.smallestFailing, 38)
        XCTAssertEqual(out.probes.map(\.value), [1, 2, 4, 8, 16, 32, 64, 48, 40, 36, 38, 37])
        XCTAssertFalse(out.reachedLimit)
    }

    func testAnExactGuessTakesTwoProbes() {
        let (out, calls) = search(FitSearch(unit: 1, guess: 37), threshold: 37)
        XCTAssertEqual(out.largestFitting, 37)
        XCTAssertEqual(out.probes, [.init(value: 37, fits: true), .init(value: 38, fits: false)])
        XCTAssertEqual(calls, 2)
        let (over, _) = search(FitSearch(unit: 1, guess: 38), threshold: 37)
        XCTAssertEqual(over.probes.map(\.value), [38, 37])
        XCTAssertEqual(over.largestFitting, 37)
    }

    func testAGuessTooHighStepsDownByDoublingThenBisects() {
        let (out, _) = search(FitSearch(unit: 1, guess: 50), threshold: 37)
        XCTAssertEqual(out.probes.map(\.value), [50, 49, 48, 46, 42, 34, 38, 36, 37])
        XCTAssertEqual(out.largestFitting, 37)
        XCTAssertEqual(out.smallestFailing, 38)
    }

    func testProbesAreMultiplesOfTheUnit() {
        let (out, _) = search(FitSearch(unit: 1024, guess: 90_000), threshold: 100_000)
        XCTAssertEqual(out.largestFitting, 97 * 1024)
        XCTAssertEqual(out.smallestFailing, 98 * 1024)
        XCTAssertTrue(out.probes.allSatisfy { $0.value % 1024 == 0 && $0.value > 0 })
    }

    func testLimitAndNothingFitting() {
        let (all, _) = search(FitSearch(unit: 1, guess: 3, limit: 10), threshold: 1000)
        XCTAssertEqual(all.largestFitting, 10)
        XCTAssertNil(all.smallestFailing)
        XCTAssertTrue(all.reachedLimit)
        let (none, calls) = search(FitSearch(unit: 512, guess: 4096), threshold: 100)
        XCTAssertEqual(none.largestFitting, 0)
        XCTAssertEqual(none.smallestFailing, 512)
        XCTAssertLessThanOrEqual(calls, 5)
        let (guessBeyondLimit, _) = search(FitSearch(unit: 1, guess: 500, limit: 20), threshold: 7)
        XCTAssertEqual(guessBeyondLimit.probes.first?.value, 20)
        XCTAssertEqual(guessBeyondLimit.largestFitting, 7)
    }

    /// Every threshold and guess: the right answer, no value probed twice, and the probes a
    /// search of this kind needs (two exponential phases and a bisection).
    func testExhaustively() {
        for threshold in 0...130 {
            for guess in [nil, 1, 2, 5, 17, 64, 100, 129, 400] as [Int?] {
                for limit in [nil, 128] as [Int?] {
                    let (out, calls) = search(FitSearch(unit: 1, guess: guess, limit: limit), threshold: threshold)
                    let expected = min(threshold, limit ?? .max)
                    XCTAssertEqual(out.largestFitting, expected, "threshold \(threshold) guess \(String(describing: guess))")
                    XCTAssertEqual(Set(out.probes.map(\.value)).count, out.probes.count, "a value probed twice")
                    XCTAssertEqual(calls, out.probes.count)
                    XCTAssertLessThanOrEqual(calls, 24)
                    if let limit, threshold >= limit { XCTAssertTrue(out.reachedLimit) } else { XCTAssertEqual(out.smallestFailing, expected + 1) }
                }
            }
        }
    }

    // MARK: Estimates and budget parsing

    let jambaSizes = ClaimsProbe.ModelSizes(parameters: 15_000_000, activeParameters: 11_000_000, weightBytes: 60_000_000,
                                            fixedStateBytes: 136_192, kvBytesPerToken: 1024)
    let llamaSizes = ClaimsProbe.ModelSizes(parameters: 11_000_000, activeParameters: 11_000_000, weightBytes: 44_000_000,
                                            fixedStateBytes: 0, kvBytesPerToken: 8192)

    func testComputedEstimates() {
        // (budget − overhead − weights − fixed) / kv − extra
        XCTAssertEqual(ClaimsRunner.computedContext(jambaSizes, budget: 400_000_000, overhead: 40_000_000, extraTokens: 33),
                       (400_000_000 - 40_000_000 - 60_000_000 - 136_192) / 1024 - 33)
        XCTAssertEqual(ClaimsRunner.computedContext(llamaSizes, budget: 10_000_000, overhead: 0, extraTokens: 33), 0)
        var windowed = llamaSizes
        windowed.attentionWindow = 4096
        XCTAssertNil(ClaimsRunner.computedContext(windowed, budget: 400_000_000, overhead: 0, extraTokens: 33))
        XCTAssertEqual(windowed.stateBytes(tokens: 100_000), 8192 * 8192)
        XCTAssertEqual(ClaimsRunner.computedBatch(llamaSizes, budget: 400_000_000, overhead: 40_000_000, context: 8192, extraTokens: 33),
                       (400_000_000 - 40_000_000 - 44_000_000) / (8192 * (8192 + 33)))
        XCTAssertEqual(ClaimsRunner.computedBatch(llamaSizes, budget: 400_000_000, overhead: 40_000_000, context: 8192, extraTokens: 33,
                                                  promptBytesPerToken: 8),
                       (400_000_000 - 40_000_000 - 44_000_000 - 8 * 8192) / (8192 * (8192 + 33)))
        XCTAssertEqual(ClaimsRunner.computedContext(jambaSizes, budget: 400_000_000, overhead: 40_000_000, extraTokens: 33,
                                                    promptBytesPerToken: 8),
                       (400_000_000 - 40_000_000 - 60_000_000 - 136_192 - 1024 * 33) / (1024 + 8))
    }

    func testResolutionIsAPowerOfTwoOfTokens() {
        XCTAssertEqual(ClaimsRunner.resolutionTokens(jambaSizes, bytes: 4 << 20), 4096)
        XCTAssertEqual(ClaimsRunner.resolutionTokens(llamaSizes, bytes: 4 << 20), 512)
        XCTAssertEqual(ClaimsRunner.resolutionTokens(llamaSizes, bytes: 3 << 20), 256)
        XCTAssertEqual(ClaimsRunner.resolutionTokens(llamaSizes, bytes: 100), 1)
    }

    func testParseBytes() {
        XCTAssertEqual(ClaimsRunner.parseBytes("4GiB"), 4 << 30)
        XCTAssertEqual(ClaimsRunner.parseBytes("4G"), 4 << 30)
        XCTAssertEqual(ClaimsRunner.parseBytes("384MiB"), 384 << 20)
        XCTAssertEqual(ClaimsRunner.parseBytes("1.5GiB"), 3 << 29)
        XCTAssertEqual(ClaimsRunner.parseBytes("64KiB"), 64 << 10)
        XCTAssertEqual(ClaimsRunner.parseBytes("123456"), 123_456)
        XCTAssertNil(ClaimsRunner.parseBytes("lots"))
        XCTAssertNil(ClaimsRunner.parseBytes("-1GiB"))
        XCTAssertNil(ClaimsRunner.parseBytes("0"))
    }

    // MARK: The runner with a model of memory instead of processes

    /// A process whose peak is overhead + the prompt's ids + weights + batch × state, exactly; decode speed
    /// inversely proportional to the KV bytes a step reads.
    func fakeMeasure(_ sizes: [String: ClaimsProbe.ModelSizes], overhead: Int, log: Box<[ClaimsProbe.Spec]>)
        -> (ClaimsProbe.Spec) throws -> ClaimsProbe.Result {
        return { spec in
            log.value.append(spec)
            let s = sizes[spec.model]!
            let peak = overhead + ClaimsRunner.promptBytesPerToken * spec.context + s.bytes(batch: spec.batch, tokens: spec.reservedTokens)
            let fits = peak <= spec.budgetBytes
            let stepSeconds = 1e-3 + Double(spec.batch * s.kvBytesPerToken * spec.context) / 1e10
            return ClaimsProbe.Result(peakBytes: peak, fits: fits, stage: fits ? .decoded : .allocated,
                                      prefillSeconds: fits ? 1 : 0, decodeSeconds: fits ? Double(spec.steps) * stepSeconds : 0,
                                      decodeTokens: fits ? spec.batch * spec.steps : 0, seconds: 2, sizes: s)
        }
    }

    func runFake() throws -> (ClaimsReport, [ClaimsProbe.Spec]) {
        var options = ClaimsRunner.Options()
        options.budgetBytes = 300_000_000
        options.contexts = [8192, 32768]
        options.calibrationContext = 2048
        let log = Box<[ClaimsProbe.Spec]>([])
        let runner = ClaimsRunner(models: [.init(name: "jamba", path: "j.json"), .init(name: "llama", path: "l.json")], options: options,
                                  measure: fakeMeasure(["j.json": jambaSizes, "l.json": llamaSizes], overhead: 30_000_000, log: log))
        let env = RunEnvironment(cpu: "Test CPU", openblasCore: "Haswell", openblasConfig: "", threads: 2, date: "2026-01-01T00:00:00Z")
        return (try runner.run(environment: env), log.value)
    }

    func testRunnerFindsWhatTheMemoryModelAllows() throws {
        let (report, specs) = try runFake()
        let j = report.models[0], l = report.models[1]
        XCTAssertEqual(j.overheadBytes, 30_000_000)
        // The measured longest context is the computed one (with the overhead) rounded down to the resolution.
        let jc = try XCTUnwrap(j.context.computedWithOverhead)
        // 4 MiB of KV cache: 4,096 tokens at 1 KiB/token, 512 at 8 KiB.
        XCTAssertEqual(j.context.resolution, 4096)
        XCTAssertEqual(l.context.resolution, 512)
        XCTAssertEqual(j.context.measured, jc / 4096 * 4096)
        XCTAssertEqual(l.context.measured, try XCTUnwrap(l.context.computedWithOverhead) / 512 * 512)
        XCTAssertGreaterThan(j.context.computed!, jc)
        // The guess is right, so each context search takes two runs after the first.
        XCTAssertEqual(j.context.probes.count, 2)
        for d in j.decode + l.decode {
            XCTAssertEqual(d.batch, d.computedWithOverhead, "context \(d.context)")
            XCTAssertLessThanOrEqual(d.probes.count, 2)
        }
        // llama cannot hold 32K here: no run is spent on it, batch 0, no ratio.
        XCTAssertLessThan(l.context.measured, 32768)
        XCTAssertEqual(l.decode[1].batch, 0)
        XCTAssertTrue(l.decode[1].probes.isEmpty)
        XCTAssertNil(report.ratios.first { $0.context == 32768 }!.ratio)
        let r8 = try XCTUnwrap(report.ratios.first { $0.context == 8192 }?.ratio)
        XCTAssertEqual(r8, j.decode[0].tokensPerSecond! / l.decode[0].tokensPerSecond!, accuracy: 1e-12)
        XCTAssertTrue(specs.allSatisfy { $0.budgetBytes == 300_000_000 && $0.steps == 64 })
    }

    func testMarkdownAndJSON() throws {
        let (report, _) = try runFake()
        let md = report.markdown()
        let j = report.models[0], l = report.models[1]
        XCTAssertTrue(md.contains("Budget: 286.1 MiB of peak resident memory"), md)
        XCTAssertTrue(md.contains("| jamba | \(ReportFormat.grouped(j.context.measured)) (\(ReportFormat.grouped(j.context.computedWithOverhead!))) |"), md)
        let contextRatio = String(format: "%.1f×", Double(j.context.measured) / Double(l.context.measured))
        XCTAssertTrue(md.contains("| jamba ÷ llama | \(contextRatio) |"), md)
        XCTAssertTrue(md.contains("| 32K | llama | 0 |"), md)
        XCTAssertTrue(md.contains("Test CPU; OpenBLAS core Haswell; 2 threads"), md)
        // JSON first: the report survives a round trip and renders the same.
        let data = try JSONEncoder().encode(report)
        let back = try JSONDecoder().decode(ClaimsReport.self, from: data)
        XCTAssertEqual(back.markdown(), md)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertNotNil((object["options"] as? [String: Any])?["budget_bytes"])
    }

    /// A held run whose rounds take the fake model's time × a load that doubles each round.
    final class FakeSession: ClaimsSession {
        let spec: ClaimsProbe.Spec, result: ClaimsProbe.Result, log: Box<[String]>, held: Int
        init(spec: ClaimsProbe.Spec, result: ClaimsProbe.Result, log: Box<[String]>, held: Int) {
            self.spec = spec; self.result = result; self.log = log; self.held = held
        }
        func round() throws -> Double {
            log.value.append(spec.model)
            let load = Double(1 << ((log.value.count - 1) / held))
            return result.decodeSeconds * load
        }
        func finish() throws -> ClaimsProbe.Result { result }
    }

    func testRoundsTakeTurnsAndRatiosAreMediansOfRoundRatios() throws {
        var options = ClaimsRunner.Options()
        options.budgetBytes = 300_000_000
        options.contexts = [8192]
        options.repeats = 5
        options.settleSeconds = 0
        let log = Box<[ClaimsProbe.Spec]>([]), order = Box<[String]>([])
        let measure = fakeMeasure(["j.json": jambaSizes, "l.json": llamaSizes], overhead: 30_000_000, log: log)
        let runner = ClaimsRunner(models: [.init(name: "jamba", path: "j.json"), .init(name: "llama", path: "l.json")], options: options,
                                  measure: measure,
                                  session: { spec in FakeSession(spec: spec, result: try measure(spec), log: order, held: 2) })
        let env = RunEnvironment(cpu: "Test CPU", openblasCore: "Haswell", openblasConfig: "", threads: 2, date: "2026-01-01T00:00:00Z")
        let report = try runner.run(environment: env)
        XCTAssertEqual(order.value, ["j.json", "l.json", "l.json", "j.json", "j.json", "l.json", "l.json", "j.json", "j.json", "l.json"])
        // Every run, searched or held, has room for all five rounds.
        XCTAssertTrue(log.value.allSatisfy { $0.repetitions == 5 && $0.reservedTokens == $0.context + 1 + 5 * 64 })
        let j = report.models[0].decode[0], l = report.models[1].decode[0]
        XCTAssertEqual(j.timing?.seconds.count, 5)
        // The load doubles every round: the median round is the third.
        XCTAssertEqual(try XCTUnwrap(j.tokensPerSecond), j.atMeasured!.result.tokensPerSecond / 4, accuracy: 1e-9)
        // It hits both models alike, so every round's ratio is the unloaded one.
        let ratio = try XCTUnwrap(report.ratios.first)
        XCTAssertEqual(ratio.perRound?.count, 5)
        XCTAssertEqual(try XCTUnwrap(ratio.ratio), j.atMeasured!.result.tokensPerSecond / l.atMeasured!.result.tokensPerSecond, accuracy: 1e-9)
        let md = report.markdown()
        XCTAssertTrue(md.contains("the median of 5 rounds of 64 steps"), md)
        XCTAssertTrue(md.contains("decode t/s, total (rounds: min–max)"), md)
    }

    func testGroupedAndUnits() {
        XCTAssertEqual(ReportFormat.grouped(331_776), "331,776")
        XCTAssertEqual(ReportFormat.grouped(999), "999")
        XCTAssertEqual(ClaimsReport.budget(4 << 30), "4.00 GiB")
        XCTAssertEqual(ClaimsReport.budget(384 << 20), "384.0 MiB")
        XCTAssertEqual(ClaimsReport.bytes(1024), "1.0 KiB")
    }
}
