import XCTest
@testable import JambaReport

/// The demo: a synthetic needle suite (4 context lengths × 5 depths, 10 samples per cell) for a
/// hybrid and a transformer baseline, plus a synthetic bench report, written as a report folder.
/// The folder is $REPORT_DEMO_DIR when set (e.g. /tmp/report-demo, to look at the charts), else
/// a temporary folder removed afterwards.
final class ReportDemoTests: XCTestCase {
    func testDemoReportFolder() throws {
        let env = ProcessInfo.processInfo.environment["REPORT_DEMO_DIR"]
        let dir = env.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("report-demo-\(UUID().uuidString)")
        defer { if env == nil { try? FileManager.default.removeItem(at: dir) } }
        let results = try ReportFixtures.fullResults()
        try RunReport.write(results, to: dir)
        let svgs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") }
        XCTAssertEqual(svgs.count, 7)  // 3 heatmaps, 2 accuracy charts, throughput, prefill fit
        XCTAssertEqual(results.accuracy(model: "jamba", task: "niah")?.cells.count, 20)
        XCTAssertEqual(results.accuracy(model: "transformer", task: "niah")?.cells.count, 20)
    }
}
