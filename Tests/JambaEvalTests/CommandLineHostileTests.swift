import XCTest

/// Issue 15, the command line: counts out of range, ambiguous or dropped ids and clashing names
/// fail at parse time with a message naming the option and its range, before any model loads.
/// Uses the CLI built next to this test bundle.
final class CommandLineHostileTests: XCTestCase {
    func expect(_ args: [String], _ message: String, line: UInt = #line) throws {
        let (status, stderr) = try BuiltCLI.run(args, capture: .stderr)
        XCTAssertNotEqual(status, 0, "\(args) was accepted", line: line)
        XCTAssertTrue(stderr.contains(message), "\(args): '\(stderr)' should contain '\(message)'", line: line)
        XCTAssertFalse(stderr.contains("Fatal error") || stderr.contains("NSCocoaErrorDomain"), stderr, line: line)
    }

    func testOptionsOutOfRangeOrAmbiguous() throws {
        // make test builds the binary beside the tests; without it this test fails, not skips.
        guard BuiltCLI.isBuilt() else { return }
        let model = "configs/ci-hybrid.json"
        try expect(["generate", model, "--ids", "1,2", "--max-new-tokens", "9223372036854775807"], "--max-new-tokens must be in 0…1048576")
        try expect(["generate", model, "--ids", "1,2", "--threads=-2"], "--threads must be in 1…256, got -2")
        try expect(["forward", model, "--ids", "1,2", "--out", "/dev/null", "--threads", "0"], "--threads must be in 1…256, got 0")
        try expect(["forward", model, "--ids", "1,,2", "--out", "/dev/null"], "--ids: item 2 of '1,,2' is empty")
        try expect(["forward", model, "--ids", "1,2", "--ids-file", "configs/ci-hybrid.json", "--out", "/dev/null"], "give --ids or --ids-file, not both")
        try expect(["forward", model, "--ids-file", "configs", "--out", "/dev/null"], "--ids-file configs: is a folder")
        try expect(["bench", model, "-r", "0"], "--repeats must be in 1…1000, got 0")
        try expect(["bench", model, "-b", "0"], "--batch must be in 1…4096, got 0")
        try expect(["bench", model, "-p", "1000000000"], "--prompt: must be in 0…16777216, got 1000000000")
        // Every comma-separated option goes through IntegerList: an empty item is named, not dropped.
        try expect(["data", "niah", "--lengths", "1024,", "--out", "/dev/null"], "--lengths: item 2 of '1024,' is empty")
        try expect(["data", "niah", "--lengths", "99999999999", "--out", "/dev/null"], "--lengths: must be in 1…16777216")
        try expect(["claims", model, "--contexts", "8192,0"], "--contexts: must be in 1…16777216, got 0")
        try expect(["bench", "a=\(model)", "a=configs/ci-transformer.json", "-p", "16"], "two models are named 'a'")
        try expect(["bench", "=\(model)", "-p", "16"], "expected NAME=PATH")
        try expect(["run", "suites/default.yaml", "--threads", "99999"], "--threads must be in 1…256, got 99999")
        try expect(["tokenize", "tokenizers/bpe-1k", "--decode", "1,,2"], "--decode: item 2 of '1,,2' is empty")
        try expect(["init", "--config", model, "--out", "configs/ci-hybrid.json"], "is a file; give a folder")
        try expect(["init", "--config", "configs", "--out", NSTemporaryDirectory() + "/init-\(UUID())"], "is a folder; give its config.json")
    }
}
