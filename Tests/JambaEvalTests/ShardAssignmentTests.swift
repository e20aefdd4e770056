import XCTest
import JambaData
@testable import JambaEval

/// The shard assignment on the committed models and datasets: deterministic, each unit in exactly
/// one shard, unmoved when a task or a model is added, and balanced in prompt tokens within 10%.
final class ShardAssignmentTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("shard-assign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func suite(_ name: String, models: [String], tasks: [String]) throws -> Suite {
        let r = Self.root.path
        let yaml = "name: \(name)\nmodels:\n" + models.map { "  - \($0)\n" }.joined() + "tasks:\n"
            + tasks.map { "  - \($0)\n" }.joined() + "settings: {threads: 1}\n"
        let file = dir.appendingPathComponent("\(name).yaml")
        try yaml.replacingOccurrences(of: "ROOT", with: r).write(to: file, atomically: true, encoding: .utf8)
        return try Suite.load(file)
    }

    static let recallModels = ["{name: jamba-recall, path: ROOT/models/jamba-recall}",
                               "{name: transformer-recall, path: ROOT/models/transformer-recall, baseline: true}",
                               "{name: mamba-recall, path: ROOT/models/mamba-recall}"]
    static let recallTasks = ["kv-recall-p8", "kv-recall-p32", "kv-recall-p64", "niah-kv"].map {
        "{name: \($0), data: ROOT/datasets/\($0).jsonl.zst}"
    }

    /// Every group of the suite, weighed as a shard weighs it (each record tokenized for its model).
    func groups(_ s: Suite) throws -> [(model: String, task: String, units: [ShardAssignment.Unit])] {
        let runner = Runner(suite: s, options: .init(quiet: true))
        var out: [(String, String, [ShardAssignment.Unit])] = []
        for m in s.models {
            let loaded = try LoadedModel(m)
            for t in s.tasks { out.append((m.name, t.name, try runner.units(t, on: loaded))) }
        }
        return out
    }

    func testAssignmentIsDeterministicOrderFreeAndPinned() {
        // The hash every machine must compute alike: a change here would split one run's shards differently.
        XCTAssertEqual(String(StableHash.of(["jamba", "mqar", "mqar/512/3"]), radix: 16), "df7ef42c2250cd08")
        XCTAssertNotEqual(StableHash.of(["ab", "c"]), StableHash.of(["a", "bc"]))
        let weights = [4096, 1024, 1024, 256, 256, 256, 256, 4096, 1024, 256, 256, 1024]
        let units = weights.enumerated().map { ShardAssignment.Unit(id: "r\($0.offset)", weight: $0.element) }
        let a = ShardAssignment.assign(model: "m", task: "t", units: units, count: 3)
        XCTAssertEqual(a, [2, 0, 0, 0, 1, 1, 2, 1, 0, 2, 0, 0])
        XCTAssertEqual(ShardAssignment.loads([(units, a)], count: 3), [4608, 4608, 4608])
        // The same units in another order: each keeps its shard (the plan reads no file order).
        let shuffled = Array(units.reversed())
        let b = ShardAssignment.assign(model: "m", task: "t", units: shuffled, count: 3)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: zip(shuffled.map(\.id), b)),
                       Dictionary(uniqueKeysWithValues: zip(units.map(\.id), a)))
        // Another group ranks the shards differently, so leftovers do not pile up on one shard.
        let three = Array(units.prefix(4))
        let firsts = Set((0..<12).map { ShardAssignment.assign(model: "m\($0)", task: "t", units: three, count: 3)[0] })
        XCTAssertEqual(firsts, [0, 1, 2])
    }

    /// Through the runner's own planning: shard k's units, for every k, partition each group.
    func testEveryUnitIsInExactlyOneShard() throws {
        let s = try suite("one", models: [Self.recallModels[0]], tasks: [Self.recallTasks[3], Self.recallTasks[0]])
        let loaded = try LoadedModel(s.models[0])
        for task in s.tasks {
            let all = try Runner(suite: s, options: .init(quiet: true)).units(task, on: loaded).map(\.id)
            for n in [1, 2, 3, 7] {
                var owner: [String: Int] = [:]
                for k in 0..<n {
                    let runner = Runner(suite: s, options: .init(quiet: true, shard: try Shard(index: k, count: n)))
                    for id in try runner.plan(task, on: loaded, shard: try Shard(index: k, count: n)) {
                        XCTAssertNil(owner[id], "\(task.name) \(id) in shards \(owner[id] ?? -1) and \(k) of \(n)")
                        owner[id] = k
                    }
                }
                XCTAssertEqual(Set(owner.keys), Set(all), "\(task.name), \(n) shards")
                XCTAssertEqual(all.count, task.name == "niah-kv" ? 90 : 150)
            }
        }
    }

    /// Adding a model and a task (in the middle of the lists) moves none of the other units.
    func testAddingATaskOrAModelMovesNoOtherUnit() throws {
        let small = try suite("small", models: [Self.recallModels[0], Self.recallModels[1]],
                              tasks: [Self.recallTasks[0], Self.recallTasks[3]])
        let grown = try suite("grown", models: [Self.recallModels[2], Self.recallModels[0], Self.recallModels[1]],
                              tasks: [Self.recallTasks[0], Self.recallTasks[1], Self.recallTasks[3]])
        for n in [2, 3, 5] {
            func plans(_ s: Suite) throws -> [String: [Set<String>]] {
                var out: [String: [Set<String>]] = [:]
                for m in s.models {
                    let loaded = try LoadedModel(m)
                    for t in s.tasks {
                        out["\(m.name)/\(t.name)"] = try (0..<n).map { k in
                            let shard = try Shard(index: k, count: n)
                            return try Runner(suite: s, options: .init(quiet: true, shard: shard)).plan(t, on: loaded, shard: shard)
                        }
                    }
                }
                return out
            }
            let before = try plans(small), after = try plans(grown)
            XCTAssertEqual(after.count, 9)
            for (group, shards) in before { XCTAssertEqual(after[group], shards, "\(group), \(n) shards") }
        }
    }

    /// The default suite (3 models × 4 tasks, 1,620 units of 256 to 4,096 tokens) and the RULER
    /// text datasets for the needle pair (bpe-1k, 2 × 9 tasks, 504 units of 487 to 8,192 tokens):
    /// each shard within 10% of the mean
    /// prompt tokens. A plain hash mod N is printed beside it for the README's comparison.
    func testSharesAreBalancedWithinTenPercentOnTheCommittedDatasets() throws {
        let recall = try groups(try suite("recall", models: Self.recallModels, tasks: Self.recallTasks))
        let rulerFiles = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("datasets/ruler").path)
            .filter { $0.hasSuffix(".jsonl.zst") && !$0.hasPrefix("kv_recall") }.sorted()  // kv_recall's ids exceed the needle models' 1280
        let rulerTasks = rulerFiles.map { "{name: \($0.replacingOccurrences(of: ".jsonl.zst", with: "")), data: ROOT/datasets/ruler/\($0), max_new_tokens: 64}" }
            + ["{name: needle, data: ROOT/datasets/ruler/needle/niah_single.jsonl.zst, max_new_tokens: 64}"]
        let ruler = try groups(try suite("ruler", models: [
            "{name: hybrid, config: ROOT/configs/needle-hybrid.json, seed: 0, tokenizer: ROOT/tokenizers/bpe-1k}",
            "{name: transformer, config: ROOT/configs/needle-transformer.json, seed: 0, tokenizer: ROOT/tokenizers/bpe-1k}",
        ], tasks: rulerTasks))
        XCTAssertEqual(recall.reduce(0) { $0 + $1.units.count }, 1620)
        XCTAssertEqual(ruler.count, 18)
        XCTAssertEqual(ruler.reduce(0) { $0 + $1.units.count }, 504)
        for (name, suite, counts) in [("default", recall, [2, 3, 4, 8]), ("ruler", ruler, [2, 3, 4])] {
            for n in counts {
                let assigned = suite.map { g in (g.units, ShardAssignment.assign(model: g.model, task: g.task, units: g.units, count: n)) }
                let loads = ShardAssignment.loads(assigned, count: n)
                let plain = ShardAssignment.loads(suite.map { g in
                    (g.units, g.units.map { Int(StableHash.of([g.model, g.task, $0.id]) % UInt64(n)) })
                }, count: n)
                let imbalance = ShardAssignment.imbalance(loads)
                print(String(format: "balance %@ N=%d: greedy %.2f%% %@; hash mod N %.2f%% %@", name, n,
                             100 * imbalance, "\(loads)", 100 * ShardAssignment.imbalance(plain), "\(plain)"))
                XCTAssertLessThan(imbalance, 0.10, "\(name), \(n) shards: \(loads)")
            }
        }
    }
}
