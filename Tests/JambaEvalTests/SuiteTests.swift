import XCTest
@testable import JambaEval
import JambaModels

final class SuiteTests: XCTestCase {
    let file = URL(fileURLWithPath: "/srv/suites/s.yaml")

    func parse(_ yaml: String) throws -> Suite { try Suite.parse(yaml, file: file) }

    func expect(_ yaml: String, _ parts: [String], line: UInt = #line) {
        XCTAssertThrowsError(try parse(yaml), line: line) { e in
            for p in parts { XCTAssertTrue("\(e)".contains(p), "'\(e)' should contain '\(p)'", line: line) }
        }
    }

    func testFullSuite() throws {
        let s = try parse("""
            name: demo
            output: ../results/demo
            models:
              - {name: jamba, path: ../models/jamba}
              - {name: base, config: /abs/transformer.json, seed: 3, baseline: true, tokenizer: ../models/jamba}
            tasks:
              - {name: niah, data: data/niah.jsonl.zst, metric: string_match_all, max_new_tokens: 12, stop: ["\\n"], limit: 20}
              - {name: mqar, data: data/mqar.jsonl.zst}
            throughput: {contexts: [512, 2048], decode_tokens: 16, batch: [1, 4], repeats: 2}
            settings: {threads: 2, batch_tokens: 4096, prefill_chunk: 512, max_batch: 8}
            """)
        XCTAssertEqual(s.name, "demo")
        XCTAssertEqual(s.output.path, "/srv/results/demo")
        XCTAssertEqual(s.models[0].source, .checkpoint(URL(fileURLWithPath: "/srv/models/jamba")))
        XCTAssertEqual(s.models[1].source, .config(URL(fileURLWithPath: "/abs/transformer.json"), seed: 3))
        XCTAssertEqual(s.baselineModel?.name, "base")
        XCTAssertEqual(s.tasks[0].metric, .stringMatchAll)
        XCTAssertEqual(s.tasks[0].stop, ["\n"])
        XCTAssertEqual(s.tasks[0].data.path, "/srv/suites/data/niah.jsonl.zst")
        XCTAssertNil(s.tasks[1].metric)
        XCTAssertEqual(s.throughput, Suite.Throughput(contexts: [512, 2048], decodeTokens: 16, batch: [1, 4], repeats: 2))
        XCTAssertEqual(s.settings, Suite.Settings(engine: EngineOptions(threads: 2, prefillChunk: 512, maxBatch: 8), batchTokens: 4096))
    }

    /// Settings left out are the engine's own defaults (EngineOptions), one key at a time.
    func testSettingsDefaultToTheEngineOptions() throws {
        let bare = try parse("models:\n  - {name: a, path: x}\n")
        XCTAssertEqual(bare.settings.engine, EngineOptions())
        XCTAssertEqual(bare.settings.batchTokens, Suite.Settings.defaultBatchTokens)
        let some = try parse("models:\n  - {name: a, path: x}\nsettings: {prefill_chunk: 64}\n")
        XCTAssertEqual(some.settings.engine, EngineOptions(prefillChunk: 64))
    }

    func testUnknownKeyNamesLineAndColumn() {
        expect("models:\n  - name: a\n    path: x\n    seeed: 3\n", ["s.yaml:4:5", "unknown key 'models[0].seeed'"])
    }

    func testWrongTypeNamesField() {
        expect("models:\n  - {name: a, path: x}\nsettings:\n  threads: two\n", ["s.yaml:4:12", "'settings.threads' must be an integer"])
        expect("models: {name: a}\n", ["'models' must be a list"])
    }

    func testMissingAndConflictingKeys() {
        expect("tasks: []\n", ["missing required key 'models'"])
        expect("models:\n  - {path: x}\n", ["missing required key 'models[0].name'"])
        expect("models:\n  - {name: a, path: x, config: y}\n", ["either 'path'"])
        expect("models:\n  - {name: a, path: x, seed: 1}\n", ["'models[0].seed'", "applies only"])
        expect("models:\n  - {name: a, path: x, baseline: true}\n  - {name: b, path: y, baseline: true}\n", ["more than one model"])
        expect("models:\n  - {name: a, path: x}\ntasks:\n  - {name: t, data: d, metric: bleu}\n", ["s.yaml:4:32", "unknown metric 'bleu'"])
    }

    func testSyntaxErrorHasPosition() {
        expect("models: [\n", ["s.yaml:", "YAML syntax"])
    }

    /// throughput.shard: which shard of a sharded run measures the machine (default 0); a shard
    /// index past the run's shards is refused before anything runs.
    func testThroughputRunsOnTheShardTheSuiteNames() throws {
        let yaml = "models:\n  - {name: a, config: c.json}\nthroughput: {contexts: [64]%@}\n"
        let plain = try parse(yaml.replacingOccurrences(of: "%@", with: ""))
        XCTAssertEqual(plain.throughput?.shard, 0)
        let second = try parse(yaml.replacingOccurrences(of: "%@", with: ", shard: 1"))
        let machine = ShardManifest.Machine(host: "h", cpu: "c", openblasCore: "Zen", threads: 1)
        XCTAssertEqual(try (0..<3).map { ShardManifest(shard: try Shard(index: $0, count: 3), suite: second, version: "v", machine: machine).throughput },
                       [false, true, false])
        XCTAssertEqual(try (0..<3).map { ShardManifest(shard: try Shard(index: $0, count: 3), suite: plain, version: "v", machine: machine).throughput },
                       [true, false, false])
        expect(yaml.replacingOccurrences(of: "%@", with: ", shard: -1"), ["s.yaml:3:37", "'throughput.shard': must be a shard index (0 or more)"])
        var far = try parse(yaml.replacingOccurrences(of: "%@", with: ", shard: 4"))
        far.output = FileManager.default.temporaryDirectory.appendingPathComponent("far-\(UUID().uuidString)")
        let runner = Runner(suite: far, options: .init(quiet: true, shard: try Shard(index: 0, count: 3)))
        XCTAssertThrowsError(try runner.run()) { e in
            XCTAssertEqual(e as? ShardError, .throughputShard(file: "/srv/suites/s.yaml", shard: 4, count: 3))
            XCTAssertTrue("\(e)".contains("throughput.shard is 4, but this run has 3 shards (0…2)"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: far.output.path), "refused before writing anything")
    }
}
