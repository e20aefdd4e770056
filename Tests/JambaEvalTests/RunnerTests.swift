import XCTest
import JambaData
@testable import JambaEval

/// The runner on the committed fixture models and a generated MQAR task: resume after a kill,
/// stale samples refused, validate's messages.
final class RunnerTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // MQAR over ids 40..<240 (inside the fixtures' 256-token vocabulary), 24 records.
        let gen = KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 200, firstId: 40, pairs: 8))
        let writer = try TaskWriter(path: dir.appendingPathComponent("mqar.jsonl.zst").path)
        for i in 0..<12 {
            try writer.write(try gen.record(length: 48, sample: i, seed: 5))
            try writer.write(try gen.record(length: 96, sample: i, seed: 5))
        }
        try writer.close()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func suite(output: String = "out", limit: String = "") throws -> Suite {
        let yaml = """
            name: t
            output: \(output)
            models:
              - {name: hybrid, path: \(Self.fixtures.path)/hybrid}
              - {name: transformer, path: \(Self.fixtures.path)/transformer, baseline: true}
            tasks:
              - {name: mqar, data: mqar.jsonl.zst\(limit)}
            settings: {threads: 1, batch_tokens: 300, prefill_chunk: 64, max_batch: 4}
            """
        let file = dir.appendingPathComponent("suite.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try Suite.load(file)
    }

    func run(_ s: Suite, fresh: Bool = false) throws -> [SampleRecord] {
        try Runner(suite: s, options: .init(fresh: fresh, quiet: true)).run().samples
    }

    /// What the tables are made of: everything but timings.
    func content(_ samples: [SampleRecord]) -> [String] {
        samples.map { "\($0.model) \($0.task) \($0.id) \($0.predictedIds) \($0.score) \($0.length)" }.sorted()
    }

    func testRunScoresEverySampleOnce() throws {
        let samples = try run(try suite())
        XCTAssertEqual(samples.count, 48)
        XCTAssertEqual(Set(samples.map { "\($0.model)/\($0.id)" }).count, 48)
        XCTAssertTrue(samples.allSatisfy { $0.metric == .positionsAccuracy && $0.predictedIds.count == 8 })
        XCTAssertEqual(Set(samples.map(\.length)), [48, 96])
        // The same suite again gives the same answers.
        XCTAssertEqual(content(try run(try suite(output: "again"))), content(samples))
    }

    func testResumeAfterAKillRescoresNothing() throws {
        let whole = try run(try suite(output: "whole"))
        // A killed run: some complete batches, then half a line.
        _ = try run(try suite(output: "killed"))
        let file = dir.appendingPathComponent("killed/samples/hybrid/mqar.jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.prefix(6).joined(separator: "\n") + "\n" + String(lines[6].prefix(25))
        try kept.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("killed/samples/transformer"))
        let resumed = try run(try suite(output: "killed"))
        XCTAssertEqual(content(resumed), content(whole))
        let after = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(after.count, 1 + 24, "header + each sample once")
    }

    func testChangedTaskIsRefusedUnlessFresh() throws {
        _ = try run(try suite())
        XCTAssertThrowsError(try run(try suite(limit: ", limit: 10"))) { e in
            XCTAssertTrue("\(e)".contains("--fresh") && "\(e)".contains("mqar.jsonl"), "\(e)")
        }
        XCTAssertEqual(try run(try suite(limit: ", limit: 10"), fresh: true).count, 20)
    }

    func testValidateNamesFileLineAndColumn() throws {
        var s = try suite()
        XCTAssertEqual(SuiteValidator.validate(s).problems, [])
        XCTAssertEqual(SuiteValidator.validate(s).records["mqar"], 24)
        s.tasks[0].data = dir.appendingPathComponent("absent.jsonl.zst")
        let problems = SuiteValidator.validate(s).problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("suite.yaml:7:") && problems[0].contains("absent.jsonl.zst"), problems[0])
        // A wrong key and a bad type fail at load, with positions.
        let bad = dir.appendingPathComponent("bad.yaml")
        try "models:\n  - {name: a, path: x, bogus: 1}\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Suite.load(bad)) { XCTAssertTrue("\($0)".contains("bad.yaml:2:24"), "\($0)") }
        try "models:\n  - {name: a, path: x}\nsettings: {threads: many}\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Suite.load(bad)) { XCTAssertTrue("\($0)".contains("bad.yaml:3:21"), "\($0)") }
    }
}
