import XCTest
import JambaData

/// `jamba-eval run` as a user runs it: killed with SIGKILL mid-run, rerun, and compared with an
/// uninterrupted run. Uses the CLI built next to this test bundle.
final class KillResumeTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    var cli: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("jamba-eval")
    }

    func run(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = cli
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The tables of a results.json, without timings, environment or dates.
    func tables(_ folder: URL) throws -> String {
        func scrub(_ v: Any) -> Any {
            if let o = v as? [String: Any] {
                return o.filter { !$0.key.contains("seconds") && !$0.key.contains("time") }.mapValues(scrub)
            }
            if let a = v as? [Any] { return a.map(scrub) }
            return v
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        let kept = scrub(["accuracy": object["accuracy"]!, "comparisons": object["comparisons"]!, "sample_count": object["sample_count"]!])
        return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
    }

    func testKilledRunResumesToTheSameTables() throws {
        // make test builds the binary beside the tests; without it this test must fail, not pass silently.
        guard FileManager.default.isExecutableFile(atPath: cli.path) else {
            return XCTFail("\(cli.path) is not built: build the jamba-eval product with the tests (make test does)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 200, firstId: 40, pairs: 16))
        let writer = try TaskWriter(path: dir.appendingPathComponent("mqar.jsonl.zst").path)
        for i in 0..<300 { try writer.write(try gen.record(length: 128 + 64 * (i % 3), sample: i, seed: 11)) }
        try writer.close()
        let suite = dir.appendingPathComponent("suite.yaml")
        try """
            models:
              - {name: hybrid, path: \(Self.fixtures.path)/hybrid}
              - {name: transformer, path: \(Self.fixtures.path)/transformer, baseline: true}
            tasks:
              - {name: mqar, data: mqar.jsonl.zst}
            settings: {threads: 1, batch_tokens: 400, max_batch: 2}
            """.write(to: suite, atomically: true, encoding: .utf8)

        let whole = try run(["run", suite.path, "--output", dir.appendingPathComponent("whole").path, "--quiet"])
        whole.waitUntilExit()
        XCTAssertEqual(whole.terminationStatus, 0)

        // Kill the second run as soon as it has written a few batches.
        let out = dir.appendingPathComponent("killed")
        let samples = out.appendingPathComponent("samples/hybrid/mqar.jsonl")
        let victim = try run(["run", suite.path, "--output", out.path, "--quiet"])
        var lines = 0
        let deadline = Date().addingTimeInterval(60)
        while lines < 6 && Date() < deadline && victim.isRunning {
            usleep(2_000)
            lines = ((try? String(contentsOf: samples, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        XCTAssertTrue(victim.isRunning, "the run ended before it could be killed; make the task bigger")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let before = ((try? String(contentsOf: samples, encoding: .utf8)) ?? "").split(separator: "\n").count
        XCTAssertLessThan(before - 1, 300, "killed part-way")

        let resumed = try run(["run", suite.path, "--output", out.path, "--quiet"])
        resumed.waitUntilExit()
        XCTAssertEqual(resumed.terminationStatus, 0)
        XCTAssertEqual(try tables(out), try tables(dir.appendingPathComponent("whole")))
        // Every sample exactly once: header + 300 lines, ids unique.
        let text = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(text.count, 301)
        let ids = text.dropFirst().map { line -> String in
            let o = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return o["id"] as! String
        }
        XCTAssertEqual(Set(ids).count, 300)
        // And two uninterrupted runs agree with each other.
        let again = try run(["run", suite.path, "--output", dir.appendingPathComponent("again").path, "--quiet"])
        again.waitUntilExit()
        XCTAssertEqual(try tables(dir.appendingPathComponent("again")), try tables(dir.appendingPathComponent("whole")))
    }
}
