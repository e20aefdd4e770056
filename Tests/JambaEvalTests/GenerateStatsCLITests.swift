import XCTest
import JambaModels

/// `generate --stats` reports where the time went, load included: a user sizing a real checkpoint
/// wants the seconds before the first prefill as much as the tokens per second after it. Uses the
/// CLI built next to this test bundle.
final class GenerateStatsCLITests: XCTestCase {
    func testStatsReportLoadPrefillAndDecode() throws {
        guard BuiltCLI.isBuilt() else { return }
        let (status, text) = try BuiltCLI.run(["generate", "configs/ci-hybrid.json", "--ids", "1,2,3", "--max-new-tokens", "3",
                                               "--threads", "1", "--stats"], capture: .stdout)
        XCTAssertEqual(status, 0, text)
        let lines = text.split(separator: "\n").map(String.init)
        let load = try XCTUnwrap(lines.first { $0.hasPrefix("load: ") }, text)
        // "load: 0.012 s (1234 bytes of weights)": random Float32 weights, as the plan counts them
        // (printed whole: a 32-bit format once cut a 3B model's 6.4 GB to 2.1).
        let fields = load.split(separator: " ")
        XCTAssertEqual(fields.count, 7, load)
        XCTAssertGreaterThan(try XCTUnwrap(Double(fields[1])), 0, load)
        let bytes = try XCTUnwrap(Int(fields[3].dropFirst()), load)
        let config = try ModelConfiguration.load(from: BuiltCLI.root.appendingPathComponent("configs/ci-hybrid.json"))
        XCTAssertEqual(bytes, try config.weightBytes(file: "ci-hybrid.json"), load)
        XCTAssertTrue(lines.contains { $0.hasPrefix("prefill: 3 tokens in ") }, text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("decode: 2 tokens in 2 steps") }, text)
    }
}
