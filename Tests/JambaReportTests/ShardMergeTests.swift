import XCTest
@testable import JambaEval
@testable import JambaReport

/// `jamba-eval merge` on a small suite of the committed recall models and datasets, run once whole
/// and once as 3 shards: the merged accuracy.csv is the unsharded run's byte for byte, and every
/// way a set of shards can be wrong is refused by name.
final class ShardMergeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("shard-merge-\(UUID().uuidString)")
    nonisolated(unsafe) static var built = false
    var dir: URL!

    static var suiteFile: URL { base.appendingPathComponent("suite.yaml") }
    static var whole: URL { base.appendingPathComponent("whole") }
    static func shard(_ k: Int) -> URL { base.appendingPathComponent("shard-\(k)-of-3") }

    /// 3 models × (40 MQAR records of 256 tokens + 36 needle records: 30 of 256 tokens at 5 depths,
    /// 6 of 1024) = 228 units; tiny throughput probes so the merge has some to carry.
    static func suite(output: URL) throws -> Suite {
        let r = root.path
        try """
            name: merge-test
            models:
              - {name: jamba-recall, path: \(r)/models/jamba-recall}
              - {name: transformer-recall, path: \(r)/models/transformer-recall, baseline: true}
              - {name: mamba-recall, path: \(r)/models/mamba-recall}
            tasks:
              - {name: kv-recall-p8, data: \(r)/datasets/kv-recall-p8.jsonl.zst, limit: 40}
              - {name: niah-kv, data: \(r)/datasets/niah-kv.jsonl.zst, limit: 36}
            throughput: {contexts: [64], decode_tokens: 4, batch: [1], repeats: 1}
            settings: {threads: 1, batch_tokens: 8192, max_batch: 8}
            """.write(to: suiteFile, atomically: true, encoding: .utf8)
        var s = try Suite.load(suiteFile)
        s.output = output
        return s
    }

    /// What `jamba-eval run [--shard K/N]` does, in process.
    @discardableResult
    static func run(_ output: URL, shard: Shard?, fresh: Bool = false, version: String = "test-build") throws -> RunResults {
        let s = try suite(output: output)
        let out = try Runner(suite: s, options: .init(fresh: fresh, quiet: true, shard: shard, version: version)).run()
        let results = try RunResults.build(run: out, suite: s, environment: .current(threads: 1, gitCommit: version))
        try RunReport.write(results, to: output)
        return results
    }

    override func setUpWithError() throws {
        if !Self.built {
            try FileManager.default.createDirectory(at: Self.base, withIntermediateDirectories: true)
            try Self.run(Self.whole, shard: nil)
            for k in 0..<3 { try Self.run(Self.shard(k), shard: try Shard(index: k, count: 3)) }
            Self.built = true
        }
        dir = Self.base.appendingPathComponent("t-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    override class func tearDown() { try? FileManager.default.removeItem(at: base) }

    /// Copies of the shard folders, to spoil without touching the shared ones.
    func copies(_ indices: [Int] = [0, 1, 2]) throws -> [URL] {
        try indices.map { k in
            let to = dir.appendingPathComponent("shard-\(k)-of-3")
            try FileManager.default.copyItem(at: Self.shard(k), to: to)
            return to
        }
    }

    func samplesFile(_ folder: URL, _ model: String, _ task: String) -> URL {
        SamplesFile.url(in: folder, model: model, task: task)
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testMergedTablesAreTheUnshardedRunsByteForByte() throws {
        let out = dir.appendingPathComponent("merged")
        let merge = try ShardMerge.merge((0..<3).map(Self.shard), allowPartial: false)
        try merge.write(to: out)
        let merged = try Data(contentsOf: out.appendingPathComponent("accuracy.csv"))
        let whole = try Data(contentsOf: Self.whole.appendingPathComponent("accuracy.csv"))
        XCTAssertEqual(String(decoding: merged, as: UTF8.self), String(decoding: whole, as: UTF8.self))
        XCTAssertEqual(merged, whole)
        XCTAssertGreaterThan(String(decoding: whole, as: UTF8.self).split(separator: "\n").count, 12)

        let r = merge.results
        XCTAssertEqual(r.sampleCount, 228)
        let s = try XCTUnwrap(r.sharding)
        XCTAssertEqual([s.count, s.units, s.missingUnits], [3, 228, 0])
        XCTAssertTrue(s.merged)
        XCTAssertFalse(s.partial)
        XCTAssertEqual(s.shards.map(\.index), [0, 1, 2])
        XCTAssertEqual(s.shards.map(\.recorded).reduce(0, +), 228)
        XCTAssertEqual(s.shards.map(\.throughput), [true, false, false])
        XCTAssertNotNil(s.promptTokenImbalance)
        // The probes came from shard 0 alone, and the report names its machine.
        XCTAssertNotNil(r.throughput)
        XCTAssertEqual(s.throughputShard?.host, HostName.current)
        XCTAssertEqual(try RunResults.load(Self.shard(1).appendingPathComponent("results.json")).throughput == nil, true)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(summary.contains("Throughput probes: shard 0 on \(HostName.current)"), summary)
        XCTAssertTrue(summary.contains("## Shards"))
        XCTAssertFalse(summary.contains("**Partial report**"), summary)
        // Each shard's own report says it is one shard.
        let own = try String(contentsOf: Self.shard(2).appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(own.contains("Shard 2 of 3: these tables cover its"), own)

        // The merged folder reads like one run's: the unsharded suite resumed into it has nothing left to run.
        var suite = try Self.suite(output: out)
        suite.throughput = nil
        let resumed = try Runner(suite: suite, options: .init(quiet: true)).run()
        XCTAssertEqual(resumed.samples.count, 228)
        XCTAssertEqual(resumed.tokenization.map(\.tokens), [0, 0, 0, 0, 0, 0], "nothing was tokenized again")
        for (f, n) in [("jamba-recall/kv-recall-p8", 40), ("mamba-recall/niah-kv", 36)] {
            XCTAssertEqual(try lines(out.appendingPathComponent("samples/\(f).jsonl")).count, 1 + n)
        }
    }

    func testAMissingShardIsNamedAndAllowPartialMarksTheReport() throws {
        let folders = try copies([0, 2])
        XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: false)) { e in
            guard case MergeError.incomplete(let details) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(details, ["shard 1 of 3: no folder given holds it"])
            XCTAssertTrue("\(e)".contains("--allow-partial"))
        }
        let merge = try ShardMerge.merge(folders, allowPartial: true)
        let s = try XCTUnwrap(merge.results.sharding)
        XCTAssertTrue(s.partial)
        XCTAssertEqual(s.missingShards, [1])
        let shard1 = try XCTUnwrap(ShardManifest.load(from: Self.shard(1)))
        XCTAssertEqual(s.missingUnits, shard1.groups.reduce(0) { $0 + $1.assigned.count })
        XCTAssertEqual(merge.results.sampleCount, 228 - s.missingUnits)
        // Shards 0 and 2 planned every group, so their distance from the even share is known.
        XCTAssertNotNil(s.promptTokenImbalance)
        let out = dir.appendingPathComponent("partial")
        try merge.write(to: out)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(summary.contains("**Partial report** (merged with --allow-partial): \(s.missingUnits) of 228 known units"), summary)
        XCTAssertTrue(summary.contains("Shards missing: 1."))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as! [String: Any]
        XCTAssertEqual((json["sharding"] as! [String: Any])["partial"] as? Bool, true)
    }

    func testAUnitRecordedTwiceIsRefusedEvenWhenPartial() throws {
        let folders = try copies()
        let file = samplesFile(folders[1], "jamba-recall", "niah-kv")
        var text = try lines(file)
        text.append(text[1])
        try (text.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let id = try JSONDecoder().decode(SampleRecord.self, from: Data(text[1].utf8)).id
        for partial in [false, true] {
            XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: partial)) { e in
                XCTAssertEqual(e as? MergeError, .duplicateUnit(model: "jamba-recall", task: "niah-kv", id: id,
                                                              folders: [folders[1].path, folders[1].path]))
            }
        }
    }

    func testAUnitInAnotherShardsFolderIsRefused() throws {
        let folders = try copies()
        let from = try lines(samplesFile(folders[0], "mamba-recall", "kv-recall-p8"))
        let to = samplesFile(folders[2], "mamba-recall", "kv-recall-p8")
        try ((try lines(to)) + [from[1]]).joined(separator: "\n").appending("\n").write(to: to, atomically: true, encoding: .utf8)
        let id = try JSONDecoder().decode(SampleRecord.self, from: Data(from[1].utf8)).id
        XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: true)) { e in
            XCTAssertEqual(e as? MergeError, .strayUnit(folder: folders[2].path, model: "mamba-recall", task: "kv-recall-p8", id: id))
        }
    }

    func testShardsOfDifferentRunsAreRefused() throws {
        // Another data file: the samples header's fingerprint (what resume checks) differs.
        var folders = try copies()
        let file = samplesFile(folders[2], "transformer-recall", "kv-recall-p8")
        var text = try lines(file)
        var header = try JSONSerialization.jsonObject(with: Data(text[0].utf8)) as! [String: Any]
        let was = header["fingerprint"] as! String
        header["fingerprint"] = "0123abcd"
        text[0] = String(decoding: try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]), as: UTF8.self)
        try (text.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: true)) { e in
            XCTAssertEqual(e as? MergeError, .mismatch(field: "the fingerprint of samples/transformer-recall/kv-recall-p8.jsonl (suite, model or data)",
                                                       folder: folders[0].path, value: was, otherFolder: folders[2].path, otherValue: "0123abcd"))
        }

        // Another jamba-eval build, another suite, another shard count: each named.
        for (field, key, value) in [("the jamba-eval version", "version", "other-build" as Any),
                                    ("the suite's models and tasks (suite_fingerprint)", "suite_fingerprint", "ffff" as Any),
                                    ("the shard count", "count", 4 as Any)] {
            try FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            folders = try copies()
            let url = ShardManifest.url(in: folders[1])
            var m = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            m[key] = value
            try JSONSerialization.data(withJSONObject: m).write(to: url)
            XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: true)) { e in
                guard case let MergeError.mismatch(f, a, _, b, _) = e else { return XCTFail("\(e)") }
                XCTAssertEqual([f, a, b], [field, folders[0].path, folders[1].path])
            }
        }
    }

    func testTheSameShardTwiceAndAFolderThatIsNoShardAreRefused() throws {
        let folders = try copies([1])
        XCTAssertThrowsError(try ShardMerge.merge([Self.shard(1), folders[0], Self.shard(0)], allowPartial: true)) { e in
            XCTAssertEqual(e as? MergeError, .sameShard(index: 1, folders: [Self.shard(1).path, folders[0].path].sorted()))
        }
        XCTAssertThrowsError(try ShardMerge.merge([Self.whole], allowPartial: true)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(Self.whole.path): not a shard folder: it has no shard.json"), "\(e)")
        }
        // Nor is a merge written into a shard's folder, or over another run's samples.
        let merge = try ShardMerge.merge((0..<3).map(Self.shard), allowPartial: false)
        XCTAssertThrowsError(try merge.write(to: folders[0])) { XCTAssertTrue("\($0)".contains("it is a shard's folder"), "\($0)") }
        let other = dir.appendingPathComponent("other")
        _ = try SamplesFile(url: samplesFile(other, "jamba-recall", "niah-kv"), fingerprint: "feed", model: "jamba-recall", task: "niah-kv", fresh: false)
        XCTAssertThrowsError(try merge.write(to: other)) { XCTAssertTrue("\($0)".contains("holds samples of another suite"), "\($0)") }
    }

    /// A shard killed part-way (a samples line cut short, a file not yet started, the run not
    /// finished) is refused with what it lacks, resumes like an unsharded run, and then merges to
    /// the unsharded tables with nothing twice.
    func testAKilledShardResumesAndMergesToTheSameTables() throws {
        let folders = try copies()
        let victim = folders[1]
        let file = samplesFile(victim, "transformer-recall", "kv-recall-p8")
        let text = try lines(file)
        XCTAssertGreaterThan(text.count, 4)
        try (text.prefix(3).joined(separator: "\n") + "\n" + String(text[3].prefix(30))).write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: samplesFile(victim, "mamba-recall", "niah-kv"))
        var m = try XCTUnwrap(ShardManifest.load(from: victim))
        m.finished = false
        m.groups.removeAll { $0.model == "mamba-recall" && $0.task == "niah-kv" }
        try m.write(to: victim)
        XCTAssertThrowsError(try ShardMerge.merge(folders, allowPartial: false)) { e in
            guard case MergeError.incomplete(let details) = e else { return XCTFail("\(e)") }
            let name = "shard 1 of 3 (\(victim.path))"
            XCTAssertEqual(details, ["\(name): \(text.count - 3) of \(text.count - 1) units of transformer-recall/kv-recall-p8 not run",
                                     "\(name): mamba-recall/niah-kv not reached", "\(name): did not finish"])
        }
        try Self.run(victim, shard: try Shard(index: 1, count: 3))
        XCTAssertEqual(try lines(file).count, text.count, "header + each unit once")
        let out = dir.appendingPathComponent("merged")
        try ShardMerge.merge(folders, allowPartial: false).write(to: out)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("accuracy.csv")),
                       try Data(contentsOf: Self.whole.appendingPathComponent("accuracy.csv")))
    }

    /// A shard folder is its shard's only: another shard, another build or an unsharded run in it
    /// is refused before anything runs.
    func testAShardFolderRefusesAnotherShardOrBuild() throws {
        let folder = try copies([0])[0]
        XCTAssertThrowsError(try Self.run(folder, shard: try Shard(index: 1, count: 3))) { e in
            XCTAssertEqual(e as? ShardError, .folderMismatch(file: ShardManifest.url(in: folder).path, field: "index/count",
                                                             recorded: "shard 0/3", now: "shard 1/3"))
        }
        XCTAssertThrowsError(try Self.run(folder, shard: try Shard(index: 0, count: 3), version: "newer")) { e in
            XCTAssertTrue("\(e)".contains("field 'version' is test-build, this run is newer"), "\(e)")
        }
        XCTAssertThrowsError(try Self.run(folder, shard: nil)) { e in
            XCTAssertTrue("\(e)".contains("is shard 0/3, this run is an unsharded run"), "\(e)")
        }
        XCTAssertThrowsError(try Shard(parsing: "3/3")) { XCTAssertTrue("\($0)".contains("K must be in 0…N-1"), "\($0)") }
        XCTAssertThrowsError(try Shard(parsing: "1-3")) { XCTAssertTrue("\($0)".contains("expected K/N"), "\($0)") }
        XCTAssertEqual(try Shard(parsing: "2/5").folderName, "shard-2-of-5")
    }
}
