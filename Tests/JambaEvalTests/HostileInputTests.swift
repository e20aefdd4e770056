import XCTest
import JambaCheckpoint
import JambaData
@testable import JambaEval

/// Issue 15: inputs an attacker or a careless user gives. Each gets an error naming the file and
/// the line or field before any model work, or a result that says what went wrong; none crashes,
/// none is silently scored wrong.
final class HostileInputTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Writes JSONL lines to `name` (under dir, folders made) and returns its path.
    @discardableResult
    func data(_ name: String, _ lines: [String]) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A suite over the hybrid fixture (256 ids, no tokenizer) with one task.
    func suite(task: String, extra: String = "", model: String? = nil) throws -> Suite {
        let yaml = """
            name: h
            output: out
            models:
              - \(model ?? "{name: hybrid, path: \(Self.fixtures.path)/hybrid}")
            tasks:
              - {name: t, data: \(task)\(extra)}
            settings: {threads: 1, batch_tokens: 400, prefill_chunk: 64, max_batch: 4}
            """
        let file = dir.appendingPathComponent("suite.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try Suite.load(file)
    }

    /// validate reports `parts` and run throws them before writing any sample (no model work).
    func expectRefused(_ s: Suite, _ parts: [String], line: UInt = #line) {
        let problems = SuiteValidator.validate(s).problems
        XCTAssertEqual(problems.count, 1, "\(problems)", line: line)
        for p in parts { XCTAssertTrue(problems.first?.contains(p) == true, "validate: '\(problems)' should contain '\(p)'", line: line) }
        XCTAssertThrowsError(try Runner(suite: s, options: .init(quiet: true)).run(), line: line) { e in
            for p in parts { XCTAssertTrue("\(e)".contains(p), "run: '\(e)' should contain '\(p)'", line: line) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.output.appendingPathComponent("samples").path), "a model ran", line: line)
    }

    // MARK: Item 3: validate passes but run fails late

    func testDuplicateIdsAreRefusedWithBothLines() throws {
        let ok = #"{"id": "a", "input_ids": [5, 6, 7], "positions": [[1, 7]]}"#
        try data("d.jsonl", [ok, #"{"id": "b", "input_ids": [5, 6], "positions": [[0, 6]]}"#, ok])
        expectRefused(try suite(task: "d.jsonl"), ["d.jsonl:3", "record 'a'", "duplicate id (first at line 1)"])
    }

    func testDepthOutsideZeroToOne() throws {
        try data("d.jsonl", [#"{"id": "a", "input_ids": [5, 6, 7], "positions": [[1, 7]], "depth": 1e308}"#])
        expectRefused(try suite(task: "d.jsonl"), ["d.jsonl:1", "'depth' must be in 0…1"])
    }

    func testNegativeMaxNewTokens() throws {
        try data("d.jsonl", [#"{"id": "a", "input_ids": [5, 6, 7], "outputs": ["9"], "max_new_tokens": -4}"#])
        expectRefused(try suite(task: "d.jsonl"), ["d.jsonl:1", "'max_new_tokens' must be in 0…1048576, got -4"])
    }

    func testEmptyLoglikelihoodChoice() throws {
        try data("d.jsonl", [#"{"id": "a", "input": "x", "metric": "loglikelihood_accuracy", "choices": ["yes", ""], "gold": 0}"#])
        expectRefused(try suite(task: "d.jsonl"), ["d.jsonl:1", "choice 1 is empty"])
    }

    // MARK: Item 6: references

    func testEmptyReferenceListIsRefused() throws {
        try data("d.jsonl", [#"{"id": "a", "input_ids": [5, 6, 7], "outputs": [], "max_new_tokens": 4}"#])
        expectRefused(try suite(task: "d.jsonl"), ["d.jsonl:1", "'outputs' is empty"])
    }

    func testEmptyReferenceScoresAsRULERDoes() {
        // RULER: "" in pred is True.
        XCTAssertEqual(Scoring.score(.stringMatchAll, prediction: "anything", references: [""]), 1)
        XCTAssertEqual(Scoring.score(.stringMatchAll, prediction: "abc", references: ["", "zz"]), 0.5)
        XCTAssertEqual(Scoring.score(.stringMatchPart, prediction: "", references: [""]), 1)
    }

    // MARK: Item 4: endless data

    func testFIFOAndDevicesAreRefusedAtOnce() throws {
        let fifo = dir.appendingPathComponent("pipe.jsonl")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        // Opening a FIFO blocks until a writer appears: a hang here is the bug.
        expectRefused(try suite(task: fifo.path), ["pipe.jsonl", "is a FIFO, not a regular file"])
        expectRefused(try suite(task: "/dev/urandom"), ["/dev/urandom", "is a character device, not a regular file"])
        XCTAssertThrowsError(try TaskReader(path: "/dev/zero")) { XCTAssertTrue("\($0)".contains("character device"), "\($0)") }
    }

    // MARK: Item 2: counts out of range

    func testSuiteCountsAreRangeChecked() throws {
        func expect(_ fragment: String, _ parts: [String], line: UInt = #line) {
            let yaml = "models:\n  - {name: a, path: x}\ntasks:\n  - {name: t, data: d.jsonl}\n" + fragment
            XCTAssertThrowsError(try Suite.parse(yaml, file: URL(fileURLWithPath: "/s/s.yaml")), line: line) { e in
                for p in parts { XCTAssertTrue("\(e)".contains(p), "'\(e)' should contain '\(p)'", line: line) }
            }
        }
        expect("settings: {threads: 99999}", ["s.yaml:5:", "'settings.threads'", "must be in 1…256, got 99999"])
        expect("settings: {threads: 0}", ["'settings.threads'", "must be in 1…256, got 0"])
        expect("throughput: {decode_tokens: 1000000000}", ["'throughput.decode_tokens'", "must be in 0…1048576"])
        expect("throughput: {contexts: [1024, 1000000000]}", ["'throughput.contexts[1]'", "must be in 1…16777216"])
        expect("throughput: {repeats: 0}", ["'throughput.repeats'", "must be in 1…1000"])
        let big = "models:\n  - {name: a, path: x}\ntasks:\n  - {name: t, data: d.jsonl, max_new_tokens: 1000000000}\n"
        XCTAssertThrowsError(try Suite.parse(big, file: URL(fileURLWithPath: "/s/s.yaml"))) { e in
            XCTAssertTrue("\(e)".contains("s.yaml:4:") && "\(e)".contains("'tasks[0].max_new_tokens'") && "\(e)".contains("1…1048576"), "\(e)")
        }
    }

    // MARK: Item 5: RULER generation budgets

    /// A tiny random-weight model with the committed BPE tokenizer, for text records.
    func textModel() throws -> LoadedModel {
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"model_type": "llama", "vocab_size": 1280, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1}"#
            .write(to: config, atomically: true, encoding: .utf8)
        return try LoadedModel(Suite.Model(name: "tiny", source: .config(config, seed: 0), baseline: false,
                                           tokenizer: Self.root.appendingPathComponent("tokenizers/bpe-1k")))
    }

    func prepared(_ line: String, task name: String, file: String, maxNewTokens: Int? = nil) throws -> PreparedSample {
        let url = try data(file, [line])
        let record = try TaskReader.readAll(path: url.path)[0]
        let task = Suite.Task(name: name, data: url, metric: nil, maxNewTokens: maxNewTokens, stop: [], limit: nil)
        return try PreparedSample(record, task: task, file: url.path, model: try textModel())
    }

    func budget(_ s: PreparedSample) -> Int? { if case .generate(_, let n) = s.work { return n } else { return nil } }

    func testRULERFamiliesGetRULERBudgetsAndMetrics() throws {
        // RULER's own record layout: no max_new_tokens, no metric, no task; the folder names it.
        let words = (1...10).map { "word\($0)" }
        // (Swift writes [String] as a JSON list: ["word1", "word2", …].)
        let cwe = #"{"index": 3, "input": "List the words.", "outputs": \#(words), "length": 40, "answer_prefix": " Answer:"}"#
        let c = try prepared(cwe, task: "common", file: "cwe/validation.jsonl")
        XCTAssertEqual(budget(c), 120)
        XCTAssertEqual(c.metric, .stringMatchAll)
        let qa = try prepared(#"{"index": 0, "input": "Who?", "outputs": ["Ada", "Ada Lovelace"]}"#, task: "qa_1", file: "q/validation.jsonl")
        XCTAssertEqual(budget(qa), 32)
        XCTAssertEqual(qa.metric, .stringMatchPart)
        XCTAssertEqual(budget(try prepared(#"{"input": "x", "outputs": ["1"]}"#, task: "vt", file: "v.jsonl")), 30)
        XCTAssertEqual(budget(try prepared(#"{"input": "x", "outputs": ["1"]}"#, task: "niah_single_2", file: "n.jsonl")), 128)
        XCTAssertEqual(budget(try prepared(#"{"input": "x", "outputs": ["1"]}"#, task: "fwe", file: "f.jsonl")), 50)
        // Tables group RULER records by the length asked for when the file states it (lm-eval's
        // max_length), else by the real count.
        let asked = try prepared(#"{"input": "x", "outputs": ["1"], "length": 414, "max_length": 512}"#, task: "niah_single_1", file: "s.jsonl")
        XCTAssertEqual(asked.length, 512)
        XCTAssertEqual(try prepared(#"{"input": "x", "outputs": ["1"], "length": 414}"#, task: "niah_single_1", file: "t.jsonl").length, 414)
        // The suite and the record still win.
        XCTAssertEqual(budget(try prepared(#"{"input": "x", "outputs": ["1"], "max_new_tokens": 7}"#, task: "cwe", file: "a.jsonl")), 7)
        XCTAssertEqual(budget(try prepared(#"{"input": "x", "outputs": ["1"], "max_new_tokens": 7}"#, task: "cwe", file: "b.jsonl", maxNewTokens: 9)), 9)
    }

    func testGenerationWithoutABudgetOrTooSmallABudgetIsRefused() throws {
        XCTAssertThrowsError(try prepared(#"{"input": "x", "outputs": ["1"]}"#, task: "mine", file: "m.jsonl")) { e in
            XCTAssertTrue("\(e)".contains("no generation budget") && "\(e)".contains("add max_new_tokens"), "\(e)")
        }
        let long = (1...30).map { "answer\($0)" }.joined(separator: "\", \"")
        XCTAssertThrowsError(try prepared(#"{"input": "x", "outputs": ["\#(long)"]}"#, task: "cwe", file: "c.jsonl", maxNewTokens: 8)) { e in
            XCTAssertTrue("\(e)".contains("max_new_tokens 8 cannot hold the references"), "\(e)")
        }
        // validate names the line, without a tokenizer-free shortcut.
        try data("m.jsonl", [#"{"input_ids": [5, 6], "outputs": ["1"]}"#])
        expectRefused(try suite(task: "m.jsonl"), ["m.jsonl:1", "no generation budget"])
    }

    // MARK: Item 1: non-finite logits fail the sample, not the run

    func testNonFiniteLogitsMarkSamplesFailedAndTheRunGoesOn() throws {
        // The hybrid fixture with the largest finite final norm: finite weights, infinite logits.
        let source = try Checkpoint(folder: Self.fixtures.appendingPathComponent("hybrid"))
        let broken = dir.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("hybrid/config.json"), to: broken.appendingPathComponent("config.json"))
        let tensors = try source.tensorNames.map { ($0, try source.tensor($0)) }
        let big = [Float](repeating: .greatestFiniteMagnitude, count: 64)
        try big.withUnsafeBufferPointer { hugeNorm in
            let entries = tensors.map { name, t in
                SafetensorsWriter.Entry(name: name, shape: t.shape, values: name == "model.final_layernorm.weight"
                                        ? hugeNorm : UnsafeBufferPointer(start: t.pointer, count: t.count))
            }
            try SafetensorsWriter.write(entries, to: broken.appendingPathComponent("model.safetensors"))
        }
        try data("d.jsonl", [#"{"id": "p", "input_ids": [5, 6, 7], "positions": [[1, 7]]}"#,
                             #"{"id": "g", "input_ids": [5, 6, 7], "outputs": ["9"], "max_new_tokens": 3}"#])
        let s = try suite(task: "d.jsonl", model: "{name: broken, path: \(broken.path)}")
        let samples = try Runner(suite: s, options: .init(quiet: true)).run().samples
        XCTAssertEqual(samples.map(\.id).sorted(), ["g", "p"])
        for sample in samples {
            XCTAssertEqual(sample.score, 0)
            XCTAssertFalse(sample.correct)
            XCTAssertTrue(sample.failure?.contains("non-finite logits") == true, "\(sample)")
        }
        // The samples file carries the reason, so a resumed run and the report see it.
        let text = try String(contentsOf: s.output.appendingPathComponent("samples/broken/t.jsonl"), encoding: .utf8)
        XCTAssertEqual(text.components(separatedBy: "\"failure\":\"non-finite logits").count - 1, 2)
    }
}
