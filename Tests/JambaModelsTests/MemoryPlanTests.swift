import XCTest
import JambaCheckpoint
@testable import JambaModels
import JambaSupport

/// Issue 16, item 3: memory is planned from the configuration before anything is allocated, a run
/// that cannot fit is a typed error with both numbers and what to change, sizes that overflow name
/// the field, and config.json keys no architecture reads are reported by name.
final class MemoryPlanTests: XCTestCase {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func write(_ json: String) throws -> URL {
        let url = try temporaryFolder().appendingPathComponent("config.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The counts computed from the configuration alone equal those of the built model, for every
    /// fixture (all four architectures, tied embeddings, biases, both expert layouts, BF16).
    func testSizesFromTheConfigurationMatchTheBuiltModel() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let stored = try fx.model(), converted = try DecoderModel(config: stored.config, source: Float32Source(stored.source))
            let c = stored.config
            let (matrices, other) = try c.weightElements(file: name)
            XCTAssertEqual(matrices + other, stored.parameterCount, name)
            XCTAssertEqual(try c.activeParameterCount(file: name), stored.activeParameterCount, name)
            XCTAssertEqual(try c.weightBytes(file: name), converted.weightBytes, name)
            let half = stored.embedding.dtype != .f32
            XCTAssertEqual(try c.weightBytes(file: name, matrixElementBytes: half ? 2 : 4), stored.weightBytes, name)
            let state = stored.newState(reserve: 0)
            XCTAssertEqual(c.fixedStateBytes, state.layers.reduce(0) { total, layer in
                if case .mamba(let m) = layer { return total + m.bytes }
                return total
            }, name)
        }
    }

    func testTooLittleMemoryIsATypedErrorBeforeAllocating() throws {
        let file = Fixture.root.appendingPathComponent("hybrid/config.json")
        let tiny = AvailableMemory(bytes: 1 << 20, source: "test")
        XCTAssertThrowsError(try DecoderModel.random(config: file, seed: 0, available: tiny)) { e in
            guard case ModelError.insufficientMemory(_, let plan, let available, _)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(available, tiny)
            XCTAssertGreaterThan(plan.totalBytes, 1 << 20)
            let text = "\(e)"
            for part in ["needs", "0.00 GiB", "is available (test)", "weights", "BF16"] { XCTAssertTrue(text.contains(part), text) }
        }
        // A long context at a large batch: the state dominates, and the advice says so first.
        let c = try ModelConfiguration.load(from: file)
        let plan = try MemoryPlan(config: c, file: "x", matrixElementBytes: 2, weights: "bf16 as stored",
                                  sequences: 64, context: 1 << 20, chunk: 2048)
        XCTAssertEqual(plan.stateBytes, 64 * c.stateBytes(context: 1 << 20)!)
        XCTAssertFalse(plan.weightsCouldBeHalved)
        XCTAssertTrue(plan.advice.hasPrefix("a smaller batch (now 64)"), plan.advice)
        XCTAssertThrowsError(try plan.check(AvailableMemory(bytes: 1 << 30, source: "test"), file: "x")) { e in
            XCTAssertTrue("\(e)".contains("64 × 1048576 tokens") && "\(e)".contains("a shorter context"), "\(e)")
        }
        XCTAssertNoThrow(try plan.check(AvailableMemory(bytes: plan.totalBytes, source: "test"), file: "x"))
    }

    func testOverflowingRunNamesTheField() throws {
        let c = try ModelConfiguration.load(from: Fixture.root.appendingPathComponent("hybrid/config.json"))
        XCTAssertThrowsError(try MemoryPlan(config: c, file: "c.json", matrixElementBytes: 4, weights: "",
                                            sequences: 1 << 40, context: 1 << 40, chunk: 1)) { e in
            XCTAssertTrue("\(e)".contains("c.json") && "\(e)".contains("overflows 64-bit"), "\(e)")
        }
    }

    /// The issue's case: a misspelt size key silently took transformers' default (the 52B shape)
    /// and the load allocated until the machine killed it. Now the key is named, the default kept,
    /// and the load stops before allocating.
    func testMisspeltKeyIsNamedAndTheDefaultsAreRefusedBeforeAllocating() throws {
        let url = try write(#"{"model_type": "jamba", "hiden_size": 64, "num_hidden_layers": 32, "vocab_size": 65536, "torch_dtype": "bfloat16"}"#)
        let (c, warnings) = try ModelConfiguration.loadReportingKeys(from: url)
        XCTAssertEqual(c.hiddenSize, 4096, "transformers' default stays")
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("'hiden_size'") && warnings[0].contains("'hidden_size'") && warnings[0].contains("4096"), warnings[0])
        XCTAssertThrowsError(try DecoderModel.random(config: url, seed: 0, available: AvailableMemory(bytes: 16 << 30, source: "test"))) { e in
            XCTAssertTrue("\(e)".contains("needs") && "\(e)".contains("16.00 GiB is available") && "\(e)".contains("'hiden_size'"), "\(e)")
        }
        // Keys of real files that change nothing are not reported.
        let real = try write(#"{"model_type": "jamba", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "use_cache": true, "router_aux_loss_coef": 0.001, "transformers_version": "4.40.2", "use_mamba_kernels": false, "num_logits_to_keep": 1}"#)
        XCTAssertEqual(try ModelConfiguration.loadReportingKeys(from: real).warnings, [])
        // Nor in any committed config or checkpoint (transformers 5 writes use_mambapy and
        // use_associative_scan into Jamba's).
        let root = Fixture.root.deletingLastPathComponent().deletingLastPathComponent()
        var files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("configs").path)
            .filter { $0.hasSuffix(".json") }.map { root.appendingPathComponent("configs/\($0)") }
        files += Fixture.modelNames.map { Fixture.root.appendingPathComponent("\($0)/config.json") }
        for file in files { XCTAssertEqual(try ModelConfiguration.loadReportingKeys(from: file).warnings, [], file.path) }
    }

    func testAvailableMemoryTakesTheLowestOfMemAvailableAndTheCgroupLimits() throws {
        let root = try temporaryFolder()
        func put(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try put("/proc/meminfo", "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n")
        try put("/proc/self/cgroup", "0::/jobs/eval\n")
        XCTAssertEqual(AvailableMemory.current(root: root.path), AvailableMemory(bytes: 8_000_000 * 1024, source: "MemAvailable in /proc/meminfo"))
        // v2: a limit on a parent counts too; "max" means none at that level.
        try put("/sys/fs/cgroup/jobs/eval/memory.max", "max\n")
        try put("/sys/fs/cgroup/jobs/eval/memory.current", "100\n")
        try put("/sys/fs/cgroup/jobs/memory.max", "3000000000\n")
        try put("/sys/fs/cgroup/jobs/memory.current", "1000000000\n")
        let v2 = AvailableMemory.current(root: root.path)
        XCTAssertEqual(v2.bytes, 2_000_000_000)
        XCTAssertTrue(v2.source.contains("cgroup v2") && v2.source.contains("/sys/fs/cgroup/jobs/memory.max"), v2.source)
        // v1, with the unlimited value ignored.
        try put("/proc/self/cgroup", "12:memory:/slurm/job7\n3:cpu,cpuacct:/slurm/job7\n")
        try put("/sys/fs/cgroup/memory/slurm/job7/memory.limit_in_bytes", "9223372036854771712\n")
        try put("/sys/fs/cgroup/memory/slurm/job7/memory.usage_in_bytes", "5\n")
        XCTAssertEqual(AvailableMemory.current(root: root.path).source, "MemAvailable in /proc/meminfo")
        try put("/sys/fs/cgroup/memory/slurm/job7/memory.limit_in_bytes", "1500\n")
        XCTAssertEqual(AvailableMemory.current(root: root.path).bytes, 1495)
    }

    func testLongestContext() throws {
        let c = try ModelConfiguration.load(from: Fixture.root.appendingPathComponent("hybrid/config.json"))
        let base = try MemoryPlan(config: c, file: "x", matrixElementBytes: 4, weights: "", sequences: 1, context: 64, chunk: 64)
        let room = AvailableMemory(bytes: base.totalBytes + 1000 * c.kvBytesPerToken, source: "test")
        XCTAssertEqual(try MemoryPlan.longestContext(c, file: "x", matrixElementBytes: 4, available: room, chunk: 64), 1064)
        func total(_ context: Int) throws -> Int {
            try MemoryPlan(config: c, file: "x", matrixElementBytes: 4, weights: "", sequences: 1, context: context, chunk: 64).totalBytes
        }
        XCTAssertLessThanOrEqual(try total(1064), room.bytes)
        XCTAssertGreaterThan(try total(1065), room.bytes)
        // Shorter than a chunk: found by search, and exact too.
        let short = AvailableMemory(bytes: try total(20), source: "test")
        XCTAssertEqual(try MemoryPlan.longestContext(c, file: "x", matrixElementBytes: 4, available: short, chunk: 64), 20)
        XCTAssertEqual(try MemoryPlan.longestContext(c, file: "x", matrixElementBytes: 4, available: AvailableMemory(bytes: 10, source: "t"), chunk: 64), 0)
        let mamba = try ModelConfiguration.load(from: Fixture.root.appendingPathComponent("mamba/config.json"))
        XCTAssertNil(try MemoryPlan.longestContext(mamba, file: "x", matrixElementBytes: 4, available: room, chunk: 64), "no attention: unbounded")
    }
}
