import XCTest
@testable import JambaEval

/// Issue 16: `validate` plans every model's memory from its config.json without allocating a
/// weight, reports a run that cannot fit as a problem, and names config keys no architecture reads.
final class ValidateMemoryTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("validate-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testValidatePlansTheDefaultsOfAMisspeltConfigWithoutAllocating() throws {
        // hidden_size misspelt: transformers' default, the 52B shape (about 200 GiB in Float32), stands.
        try #"{"model_type": "jamba", "hiden_size": 64}"#.write(to: dir.appendingPathComponent("typo.json"), atomically: true, encoding: .utf8)
        try (#"{"id": "a", "input_ids": [5, 6, 7], "positions": [[1, 7]]}"# + "\n").write(to: dir.appendingPathComponent("t.jsonl"), atomically: true, encoding: .utf8)
        let yaml = """
            name: m
            output: out
            models:
              - {name: typo, config: typo.json}
            tasks:
              - {name: t, data: t.jsonl}
            settings: {threads: 1, batch_tokens: 400, prefill_chunk: 64, max_batch: 4}
            """
        let file = dir.appendingPathComponent("suite.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let report = SuiteValidator.validate(try Suite.load(file))
        XCTAssertEqual(report.problems.count, 1, "\(report.problems)")
        // One problem: the plan, with both numbers, what to change, and the misspelt key that caused it.
        let problem = report.problems.first ?? ""
        for part in ["typo", "needs", "is available", "BF16", "'hiden_size'", "did you mean 'hidden_size'"] {
            XCTAssertTrue(problem.contains(part), "'\(part)' missing from: \(problem)")
        }
        // The process did not grow by the weights (200 GiB would have been refused by the kernel or
        // killed us; a few MiB of parsing is all validate may take).
        XCTAssertLessThan(residentBytes(), 2 << 30)
    }

    private func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
        }
        return 0
    }
}
