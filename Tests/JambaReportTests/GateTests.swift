import XCTest
import JambaEval
@testable import JambaReport

/// Gate verdicts on hand-made baseline/current pairs.
final class GateTests: XCTestCase {
    /// A report with hybrid and baseline MFU values per repetition for pp512 (and tg16 unless dropped).
    /// `decodeScale` multiplies the decode utilisation of both models (a bandwidth drift).
    /// `cpu` is the CPUID signature (nil: a report from before signatures existed) and
    /// `bandwidthBytes` the calibration sgemv's size (nil: the old fixed 64 MiB).
    func report(hybridMFU: [Double], baseMFU: [Double], ratio: [Double], dropDecode: Bool = false, core: String = "Haswell",
                decodeScale: Double = 1, cpu: String? = "GenuineIntel family 6 model 207",
                bandwidthBytes: Int? = 1 << 30, probe: String? = BandwidthProbe.method) throws -> BenchReport {
        func stats(_ v: [Double]) -> String {
            let s = Stats(v)
            return #"{"mean": \#(s.mean), "sd": \#(s.sd), "median": \#(s.median), "values": \#(v)}"#
        }
        func result(_ model: String, _ test: String, _ mfu: [Double], _ ratio: [Double]?) -> String {
            #"{"model": "\#(model)", "parameters": 1000, "test": \#(test), "batch": 1, "tokensPerSecond": \#(stats([100, 100, 100])), "utilisation": \#(stats(mfu)), \#(ratio.map { "\"ratioToBaseline\": \(stats($0)),\n" } ?? "")"stateBytes": 10}"#
        }
        let pp = #"{"prefill": {"tokens": 512}}"#, tg = #"{"decode": {"tokens": 16, "depth": 0}}"#
        var results = [result("hybrid", pp, hybridMFU, ratio), result("base", pp, baseMFU, nil)]
        if !dropDecode {
            results += [result("hybrid", tg, hybridMFU.map { $0 / 10 * decodeScale }, ratio),
                        result("base", tg, baseMFU.map { $0 / 10 * decodeScale }, nil)]
        }
        let signature = cpu.map { #", "cpuSignature": "\#($0)""# } ?? ""
        let size = (bandwidthBytes.map { #" "bandwidthBytes": \#($0),"# } ?? "") + (probe.map { #" "bandwidthProbe": "\#($0)","# } ?? "")
        let json = #"""
        {"environment": {"cpu": "test", "openblasCore": "\#(core)", "openblasConfig": "", "threads": 2, "date": ""\#(signature)},
         "calibration": \#(stats([1e11, 1e11, 1e11])), "repeats": 3, "baseline": "base",\#(size)
         "results": [\#(results.joined(separator: ","))]}
        """#
        return try JSONDecoder().decode(BenchReport.self, from: Data(json.utf8))
    }

    lazy var base = try! report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48])

    func testWithinTolerancePasses() throws {
        let now = try report(hybridMFU: [0.76, 0.75, 0.77], baseMFU: [0.72, 0.69, 0.70], ratio: [1.45, 1.44, 1.47])
        let out = Gate.compare(current: now, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0)
        XCTAssertTrue(out.rows.allSatisfy { $0.verdict == .ok }, out.markdown)
        XCTAssertEqual(out.rows.count, 6)   // MFU × 2 models × 2 tests + ratio × 2 tests
    }

    func testImprovementPasses() throws {
        let now = try report(hybridMFU: [0.95, 0.96, 0.94], baseMFU: [0.70, 0.70, 0.71], ratio: [1.9, 1.9, 1.9])
        let out = Gate.compare(current: now, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0)
        XCTAssertEqual(out.rows.filter { $0.verdict == .improved }.count, 4)
    }

    func testRegressionFailsWithExitTwo() throws {
        // The hybrid lost 20%: its utilisation and its ratio to the baseline both drop.
        let now = try report(hybridMFU: [0.64, 0.65, 0.63], baseMFU: [0.70, 0.70, 0.71], ratio: [1.2, 1.21, 1.19])
        let out = Gate.compare(current: now, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 2)
        XCTAssertEqual(Set(out.rows.filter { $0.verdict == .regressed }.map(\.quantity.description)), ["util. hybrid", "hybrid ÷ base"])
        XCTAssertTrue(out.markdown.contains("REGRESSED") && out.markdown.contains("gate: FAILED"))
    }

    /// One slow repetition must not fail the gate: medians, not means.
    func testOneDisturbedRepetitionDoesNotFail() throws {
        let now = try report(hybridMFU: [0.80, 0.30, 0.79], baseMFU: [0.70, 0.20, 0.71], ratio: [1.5, 0.9, 1.49])
        XCTAssertEqual(Gate.compare(current: now, baseline: base, tolerance: 0.10).exitCode, 0)
    }

    func testMissingTestFails() throws {
        let now = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], dropDecode: true)
        let out = Gate.compare(current: now, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 2)
        XCTAssertEqual(out.rows.filter { $0.verdict == .missing }.map(\.test), ["tg16", "tg16", "tg16"])
    }

    func testNewTestIsReportedButPasses() throws {
        let shortBase = try report(hybridMFU: [0.8, 0.8, 0.8], baseMFU: [0.7, 0.7, 0.7], ratio: [1.5, 1.5, 1.5], dropDecode: true)
        let now = try report(hybridMFU: [0.8, 0.8, 0.8], baseMFU: [0.7, 0.7, 0.7], ratio: [1.5, 1.5, 1.5])
        let out = Gate.compare(current: now, baseline: shortBase, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0)
        XCTAssertEqual(out.rows.filter { $0.verdict == .new }.count, 3)
    }

    func testMalformedInputNamesTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json")
        try Data(#"{"environment": {"cpu": "x"}, "results": []}"#.utf8).write(to: bad)
        XCTAssertThrowsError(try Gate.load(bad.path)) { e in
            XCTAssertTrue(e is ReportError)
            XCTAssertTrue("\(e)".contains("bad.json") && "\(e)".contains("missing"), "\(e)")
        }
        try Data("not json".utf8).write(to: bad)
        XCTAssertThrowsError(try Gate.load(bad.path)) { XCTAssertTrue("\($0)".contains("bad.json")) }
        XCTAssertThrowsError(try Gate.load(dir.appendingPathComponent("absent.json").path)) { XCTAssertTrue("\($0)".contains("absent.json")) }
    }

    func testBaselineFileKeepsOneEntryPerCore() throws {
        let haswell = base
        let cooper = try report(hybridMFU: [0.5, 0.5, 0.5], baseMFU: [0.4, 0.4, 0.4], ratio: [1.3, 1.3, 1.3], core: "Cooperlake")
        var file = Gate.updated([], with: haswell)
        file = Gate.updated(file, with: cooper)
        file = Gate.updated(file, with: haswell)
        XCTAssertEqual(file.map(\.environment.openblasCore), ["Cooperlake", "Haswell"])
        XCTAssertEqual(Gate.pick(file, for: cooper)?.environment.openblasCore, "Cooperlake")
        // Results.json from `run` carries the report under "throughput".
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let enc = JSONEncoder()
        let inner = String(decoding: try enc.encode(cooper), as: UTF8.self)
        try Data(#"{"suite": "x", "throughput": \#(inner)}"#.utf8).write(to: dir)
        XCTAssertEqual(try Gate.load(dir.path).first?.environment.openblasCore, "Cooperlake")
    }

    /// Against another core's baseline, utilisation (whose ceiling depends on the kernel) is shown
    /// but not gated; the hybrid/baseline ratio still is.
    func testOtherCoreGatesRatiosOnly() throws {
        let lowerCeiling = try report(hybridMFU: [0.5, 0.5, 0.5], baseMFU: [0.45, 0.45, 0.45], ratio: [1.49, 1.5, 1.5], core: "SkylakeX")
        let out = Gate.compare(current: lowerCeiling, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0, out.markdown)
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation }.allSatisfy { $0.verdict == .notGated })
        XCTAssertTrue(out.markdown.contains("not gated"))
        let slower = try report(hybridMFU: [0.5, 0.5, 0.5], baseMFU: [0.45, 0.45, 0.45], ratio: [1.2, 1.2, 1.2], core: "SkylakeX")
        let failed = Gate.compare(current: slower, baseline: base, tolerance: 0.10)
        XCTAssertEqual(failed.exitCode, 2)
        XCTAssertEqual(Set(failed.rows.filter { $0.verdict == .regressed }.map(\.quantity)), [.ratio(model: "hybrid", baseline: "base")])
    }

    /// Decode at batch 1 is divided by a bandwidth, which drifts more: its utilisation gates at
    /// 1.5 × the tolerance; prefill's and the ratios at the tolerance.
    func testBandwidthBoundDecodeHasAWiderTolerance() throws {
        func decodeOnly(_ factor: Double) throws -> Gate.Outcome {
            let now = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48],
                             decodeScale: factor)
            return Gate.compare(current: now, baseline: base, tolerance: 0.10)
        }
        let drift = try decodeOnly(0.88)
        XCTAssertEqual(drift.exitCode, 0, drift.markdown)
        XCTAssertTrue(drift.markdown.contains("gates at 15%"))
        let slow = try decodeOnly(0.84)
        XCTAssertEqual(slow.exitCode, 2)
        XCTAssertEqual(Set(slow.rows.filter { $0.verdict == .regressed }.map(\.test)), ["tg16"])
        // Prefill utilisation 12% down is a regression at 10%.
        let prefill = try report(hybridMFU: [0.70, 0.71, 0.70], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48])
        XCTAssertTrue(Gate.compare(current: prefill, baseline: base, tolerance: 0.10).rows
            .contains { $0.test == "pp512" && $0.verdict == .regressed })
    }

    /// `make gate` re-measures when the first run regressed: a dip that the second run does not
    /// repeat (a neighbour's burst) is "not confirmed" and passes; one that both runs show fails,
    /// and so does a test missing from both.
    func testASecondRunConfirmsOrClearsARegression() throws {
        let dipped = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48],
                                decodeScale: 0.80)
        let fine = try report(hybridMFU: [0.79, 0.80, 0.80], baseMFU: [0.70, 0.71, 0.70], ratio: [1.5, 1.49, 1.5])
        XCTAssertEqual(Gate.compare(current: dipped, baseline: base, tolerance: 0.10).exitCode, 2)
        let cleared = try XCTUnwrap(Gate.compare(runs: [dipped, fine], baselines: [base], tolerance: 0.10))
        XCTAssertEqual(cleared.exitCode, 0, cleared.markdown)
        XCTAssertEqual(cleared.rows.filter { $0.verdict == .unconfirmed }.map(\.test), ["tg16", "tg16"])
        XCTAssertTrue(cleared.markdown.contains("→") && cleared.markdown.contains("not confirmed"), cleared.markdown)

        let slowAgain = try report(hybridMFU: [0.80, 0.80, 0.80], baseMFU: [0.70, 0.70, 0.70], ratio: [1.5, 1.5, 1.5],
                                   decodeScale: 0.82)
        let confirmed = try XCTUnwrap(Gate.compare(runs: [dipped, slowAgain], baselines: [base], tolerance: 0.10))
        XCTAssertEqual(confirmed.exitCode, 2, confirmed.markdown)
        XCTAssertEqual(confirmed.rows.filter { $0.verdict == .regressed }.count, 2)
        XCTAssertEqual(confirmed.rows.filter { $0.verdict == .regressed }.map(\.rechecks.count), [1, 1])

        let lost = try report(hybridMFU: [0.8, 0.8, 0.8], baseMFU: [0.7, 0.7, 0.7], ratio: [1.5, 1.5, 1.5], dropDecode: true)
        XCTAssertEqual(Gate.compare(runs: [lost, lost], baselines: [base], tolerance: 0.10)?.exitCode, 2)
        // One run behaves exactly as before.
        XCTAssertEqual(Gate.compare(runs: [dipped], baselines: [base], tolerance: 0.10)?.exitCode, 2)
        XCTAssertNil(Gate.compare(runs: [dipped], baselines: [], tolerance: 0.10))
    }

    /// An AMD Zen 5 and an Intel Xeon can both run Cooperlake kernels, at different utilisation:
    /// against another CPU model's entry, or an entry recorded before entries were kept per CPU
    /// model, only the ratios gate.
    func testOtherCPUModelGatesRatiosOnly() throws {
        let epyc = try report(hybridMFU: [0.5, 0.5, 0.5], baseMFU: [0.45, 0.45, 0.45], ratio: [1.49, 1.5, 1.5],
                              cpu: "AuthenticAMD family 26 model 2")
        let out = Gate.compare(current: epyc, baseline: base, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0, out.markdown)
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation }.allSatisfy { $0.verdict == .notGated })
        XCTAssertTrue(out.markdown.contains("baseline measured on GenuineIntel family 6 model 207, OpenBLAS core Haswell, 2 threads"), out.markdown)
        let old = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], cpu: nil, bandwidthBytes: nil)
        let againstOld = Gate.compare(current: base, baseline: old, tolerance: 0.10)
        XCTAssertTrue(againstOld.rows.filter { $0.quantity.isUtilisation }.allSatisfy { $0.verdict == .notGated })
        XCTAssertTrue(againstOld.markdown.contains("recorded before baselines were kept per CPU model"), againstOld.markdown)
        XCTAssertTrue(againstOld.rows.filter { $0.quantity == .ratio(model: "hybrid", baseline: "base") }.allSatisfy { $0.verdict == .ok })
    }

    /// A decode utilisation divided by another calibration size (the old 64 MiB one sat inside
    /// some CPUs' caches) is not the same quantity: shown, not gated; prefill's still gates.
    func testOtherBandwidthCalibrationLeavesDecodeUtilisationUngated() throws {
        let old = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], bandwidthBytes: nil)
        let now = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], decodeScale: 0.5)
        let out = Gate.compare(current: now, baseline: old, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0, out.markdown)
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation && $0.test == "tg16" }.allSatisfy { $0.verdict == .notGated })
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation && $0.test == "pp512" }.allSatisfy { $0.verdict == .ok })
        XCTAssertTrue(out.markdown.contains("read 64 MiB (older report) for the baseline and 1024 MiB now"), out.markdown)
    }

    /// A baseline whose calibration sgemv was taken another way (before the method was recorded:
    /// 4 KiB pages, one sweep) leaves decode utilisation ungated with a note; the rest gates.
    func testOtherBandwidthProbeMethodLeavesDecodeUtilisationUngated() throws {
        let old = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], probe: nil)
        let now = try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71], ratio: [1.5, 1.52, 1.48], decodeScale: 0.8)
        let out = Gate.compare(current: now, baseline: old, tolerance: 0.10)
        XCTAssertEqual(out.exitCode, 0, out.markdown)
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation && $0.test == "tg16" }.allSatisfy { $0.verdict == .notGated })
        XCTAssertTrue(out.rows.filter { $0.quantity.isUtilisation && $0.test == "pp512" }.allSatisfy { $0.verdict == .ok })
        XCTAssertTrue(out.markdown.contains("4 KiB pages, one sweep (older report) for the baseline and \(BandwidthProbe.method) now"), out.markdown)
        // With the same method on both sides the same drop regresses (decode gates at 15%).
        let same = Gate.compare(current: now, baseline: try report(hybridMFU: [0.80, 0.81, 0.79], baseMFU: [0.70, 0.70, 0.71],
                                                                    ratio: [1.5, 1.52, 1.48]), tolerance: 0.10)
        XCTAssertTrue(same.rows.filter { $0.quantity.isUtilisation && $0.test == "tg16" }.allSatisfy { $0.verdict == .regressed }, same.markdown)
    }

    /// The baseline file keeps one entry per CPU model, core and threads; an old entry without a
    /// CPU signature stays (its ratios still gate where no entry matches) and is never replaced.
    func testBaselineFileIsKeyedByCPUModel() throws {
        let old = try report(hybridMFU: [0.8, 0.8, 0.8], baseMFU: [0.7, 0.7, 0.7], ratio: [1.5, 1.5, 1.5], cpu: nil, bandwidthBytes: nil)
        let epyc = try report(hybridMFU: [0.6, 0.6, 0.6], baseMFU: [0.5, 0.5, 0.5], ratio: [1.4, 1.4, 1.4], cpu: "AuthenticAMD family 25 model 1")
        var file = Gate.updated([old], with: base)
        file = Gate.updated(file, with: epyc)
        file = Gate.updated(file, with: epyc)
        XCTAssertEqual(file.map(\.environment.cpuSignature), [nil, "AuthenticAMD family 25 model 1", "GenuineIntel family 6 model 207"])
        XCTAssertEqual(Gate.pick(file, for: epyc)?.environment.cpuSignature, "AuthenticAMD family 25 model 1")
        let unknownCPU = try report(hybridMFU: [0.6, 0.6, 0.6], baseMFU: [0.5, 0.5, 0.5], ratio: [1.4, 1.4, 1.4], cpu: "GenuineIntel family 6 model 143")
        XCTAssertNil(Gate.pick(file, for: unknownCPU)?.environment.cpuSignature)   // same core and threads: the ratios' reference
    }

    /// A baseline that cannot be written is a write error naming the file, not "cannot read".
    func testSaveReportsAWriteFailureAsUnwritable() {
        let path = "/nonexistent-\(UInt64.random(in: 0...UInt64.max))/baseline.json"
        XCTAssertThrowsError(try Gate.save([], to: path)) { e in
            guard case let ReportError.unwritable(file, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(file, path)
            XCTAssertTrue("\(e)".contains("cannot write"), "\(e)")
        }
    }
}
