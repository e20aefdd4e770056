import XCTest
import JambaData

/// `jamba-eval run` as a user runs it: killed with SIGKILL mid-run, rerun, and compared with an
/// uninterrupted run. Uses the CLI built next to this test bundle.
final class KillResumeTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    var cli: URL { BuiltCLI.url }

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

    /// make test builds the binary beside the tests; without it these tests must fail, not pass silently.
    func cliIsBuilt() -> Bool { BuiltCLI.isBuilt() }

    /// 300 MQAR records of 128, 192 and 256 tokens and a suite of the two fixture models in `dir`.
    func makeSuite(in dir: URL) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
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
        return suite
    }

    /// SIGKILLs `victim` once `samples` has `lines` lines; the run must not have ended by then.
    func kill(_ victim: Process, after lines: Int, in samples: URL) {
        var n = 0
        let deadline = Date().addingTimeInterval(60)
        while n < lines && Date() < deadline && victim.isRunning {
            usleep(2_000)
            n = ((try? String(contentsOf: samples, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        XCTAssertTrue(victim.isRunning, "the run ended before it could be killed; make the task bigger")
        Foundation.kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
    }

    func testKilledRunResumesToTheSameTables() throws {
        guard cliIsBuilt() else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = try makeSuite(in: dir)

        let whole = try run(["run", suite.path, "--output", dir.appendingPathComponent("whole").path, "--quiet"])
        whole.waitUntilExit()
        XCTAssertEqual(whole.terminationStatus, 0)

        // Kill the second run as soon as it has written a few batches.
        let out = dir.appendingPathComponent("killed")
        let samples = out.appendingPathComponent("samples/hybrid/mqar.jsonl")
        kill(try run(["run", suite.path, "--output", out.path, "--quiet"]), after: 6, in: samples)
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

    /// `run --shard` killed with SIGKILL and rerun resumes like an unsharded run; `merge` refuses
    /// the set without it (naming it), then joins both shards into the unsharded accuracy.csv.
    func testKilledShardResumesAndMergesToTheUnshardedTables() throws {
        guard cliIsBuilt() else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kill-shard-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = try makeSuite(in: dir)
        let whole = try run(["run", suite.path, "--output", dir.appendingPathComponent("whole").path, "--quiet"])
        whole.waitUntilExit()
        XCTAssertEqual(whole.terminationStatus, 0)

        let shard1 = dir.appendingPathComponent("s/shard-1-of-2")
        let samples = shard1.appendingPathComponent("samples/hybrid/mqar.jsonl")
        kill(try run(["run", suite.path, "--shard", "1/2", "--output", shard1.path, "--quiet"]), after: 6, in: samples)
        let shard0 = try run(["run", suite.path, "--shard", "0/2", "--output", dir.appendingPathComponent("s/shard-0-of-2").path, "--quiet"])
        shard0.waitUntilExit()
        XCTAssertEqual(shard0.terminationStatus, 0)

        func merge(_ folders: [String]) throws -> (status: Int32, stderr: String) {
            let p = Process()
            p.executableURL = cli
            p.arguments = ["merge"] + folders.map { dir.appendingPathComponent("s/\($0)").path } + ["--output", dir.appendingPathComponent("merged").path, "--quiet"]
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        var m = try merge(["shard-0-of-2"])
        XCTAssertNotEqual(m.status, 0)
        XCTAssertTrue(m.stderr.contains("shard 1 of 2: no folder given holds it"), m.stderr)
        m = try merge(["shard-0-of-2", "shard-1-of-2"])
        XCTAssertNotEqual(m.status, 0)
        XCTAssertTrue(m.stderr.contains("shard 1 of 2 (") && m.stderr.contains("did not finish"), m.stderr)

        let resumed = try run(["run", suite.path, "--shard", "1/2", "--output", shard1.path, "--quiet"])
        resumed.waitUntilExit()
        XCTAssertEqual(resumed.terminationStatus, 0)
        m = try merge(["shard-0-of-2", "shard-1-of-2"])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("merged/accuracy.csv")),
                       try Data(contentsOf: dir.appendingPathComponent("whole/accuracy.csv")))
        XCTAssertEqual(try tables(dir.appendingPathComponent("merged")), try tables(dir.appendingPathComponent("whole")))
        // The resumed shard holds each of its units once.
        let ids = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n").dropFirst().map { line -> String in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["id"] as! String
        }
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertGreaterThan(ids.count, 100)
    }
}
