import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import JambaEval
@testable import JambaReport

/// Layouts that crowd the charts: many models with long names, close and many context lengths,
/// a missing cell, a task with a single length. The report must still render and parse.
/// $REPORT_EDGE_DIR, when set, keeps the folder for a look.
final class EdgeCaseReportTests: XCTestCase {
    func testCrowdedReportRenders() throws {
        let names = ["jamba-1.5-mini-hybrid-checkpoint", "transformer", "mamba-only", "jamba-random-seed-7"]
        let models = names.enumerated().map { i, n in
            ModelInfo(name: n, source: "config c\(i).json, seed 0", parametersTotal: 1_000_000 * (i + 1), parametersActive: 900_000,
                      baseline: n == "transformer", fixedStateBytes: 1000 * i, kvBytesPerToken: 64 * (3 - i))
        }
        let lengths = [1000, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
        var rng = ReportFixtures.Random(state: 3)
        var samples: [SampleRecord] = []
        for m in names {
            for l in lengths {
                for d in [0.1, 0.9] where !(l == 8192 && d == 0.9 && m == "mamba-only") {
                    for k in 0..<3 {
                        samples.append(ReportFixtures.sample("n/\(l)/\(d)/\(k)", model: m, task: "needle & friends", score: rng.next() < 0.6 ? 1 : 0,
                                                             length: l, depth: d))
                    }
                }
            }
            samples.append(ReportFixtures.sample("one", model: m, task: "single", metric: .exactMatch, score: 1, length: 300))
        }
        let r = try RunResults.build(samples: samples, models: models, suite: SuiteInfo(name: "edge", file: "e.yaml", fingerprint: "x", tasks: []),
                                     environment: ReportFixtures.environment)
        let files = try RunReport.files(r)
        XCTAssertEqual(files.filter { $0.name.hasPrefix("heatmap-diff-") }.count, 3)
        for f in files where f.name.hasSuffix(".svg") {
            let p = XMLParser(data: f.contents)
            XCTAssertTrue(p.parse(), f.name)
        }
        XCTAssertTrue(files.contains { $0.name == "heatmap-needle___friends-mamba-only.svg" })
        XCTAssertFalse(files.contains { $0.name == "accuracy-single.svg" })   // one length: no line to draw
        let svg = String(decoding: files.first { $0.name == "heatmap-needle___friends-mamba-only.svg" }!.contents, as: UTF8.self)
        XCTAssertTrue(svg.contains(">n/a</text>"))
        XCTAssertTrue(svg.contains("needle &amp; friends"))
        if let dir = ProcessInfo.processInfo.environment["REPORT_EDGE_DIR"] { try RunReport.write(r, to: URL(fileURLWithPath: dir)) }
    }

    /// Random-weight models are often measured for throughput only: no samples at all.
    func testThroughputOnlyRun() throws {
        let r = try RunResults.build(samples: [], models: ReportFixtures.models, suite: ReportFixtures.suite,
                                     environment: ReportFixtures.environment, throughput: ReportFixtures.bench())
        XCTAssertEqual(r.accuracy, [])
        XCTAssertEqual(r.comparisons, [])
        XCTAssertEqual(r.sampleCount, 0)
        let files = try RunReport.files(r)
        XCTAssertEqual(files.map(\.name), ["results.json", "summary.md", "accuracy.csv", "throughput.csv", "throughput.svg", "prefill-fit.svg"])
        let md = RunReport.summary(r)
        XCTAssertTrue(md.contains("No scored samples."))
        XCTAssertTrue(md.contains("| transformer | 48.2M | 2 | pp65536 |"))
        XCTAssertEqual(String(decoding: files[2].contents, as: UTF8.self), ReportCSV.accuracyHeader.joined(separator: ",") + "\n")
    }

    /// Without a baseline there is nothing to compare: no Δ rows, no difference maps.
    func testNoBaseline() throws {
        var models = ReportFixtures.models
        models[1].baseline = false
        let r = try RunResults.build(samples: ReportFixtures.needleSamples(perCell: 2), models: models, suite: ReportFixtures.suite,
                                     environment: ReportFixtures.environment)
        XCTAssertNil(r.baseline)
        XCTAssertEqual(r.comparisons, [])
        let files = try RunReport.files(r)
        XCTAssertFalse(files.contains { $0.name.hasPrefix("heatmap-diff") })
        XCTAssertEqual(files.filter { $0.name.hasPrefix("heatmap-") }.count, 2)
        XCTAssertFalse(RunReport.summary(r).contains("Δ"))
    }
}
