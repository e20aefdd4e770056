import XCTest
import JambaCheckpoint
import JambaKernels
@testable import JambaModels

/// Issue 15: config.json values that used to trap (overflow, failed allocation) or gave a message
/// without the field; logits that are not finite.
final class HostileConfigTests: XCTestCase {
    func decode(_ json: String) throws -> ModelConfiguration {
        try ModelConfiguration.decode(Data(json.utf8), file: "config.json")
    }

    func expect(_ json: String, _ parts: [String], line: UInt = #line) {
        XCTAssertThrowsError(try decode(json), line: line) { e in
            for p in parts { XCTAssertTrue("\(e)".contains(p), "'\(e)' should contain '\(p)'", line: line) }
        }
    }

    func testHugeSizesNameTheFieldAndRange() {
        expect(#"{"vocab_size": 1000000000}"#, ["config.json", "'vocab_size'", "must be in 1…16777216, got 1000000000"])
        expect(#"{"num_hidden_layers": 9223372036854775807}"#, ["'num_hidden_layers'", "must be in 1…4096"])
        expect(#"{"hidden_size": 9223372036854775807, "num_attention_heads": 1, "num_key_value_heads": 1}"#, ["'hidden_size'", "must be in 1…131072"])
        expect(#"{"model_type": "mistral", "sliding_window": 9223372036854775807}"#, ["'sliding_window'"])
        // 2^63 does not fit an Int at all: named too.
        expect(#"{"intermediate_size": 9223372036854775808}"#, ["'intermediate_size'", "expected an integer"])
        // Every field within its cap, the product still overflows: named, no trap.
        expect(#"{"num_hidden_layers": 4096, "num_experts": 4096, "intermediate_size": 1048576, "hidden_size": 131072, "num_attention_heads": 16, "num_key_value_heads": 16, "expert_layer_period": 1, "expert_layer_offset": 0}"#,
               ["overflows 64-bit arithmetic"])
    }

    func testRandomWeightsThatCannotFitAreRefused() throws {
        let c = try decode(#"{"vocab_size": 16777216, "hidden_size": 131072, "num_attention_heads": 16, "num_key_value_heads": 16, "num_hidden_layers": 1}"#)
        XCTAssertThrowsError(try c.checkRandomWeightsFit(file: "c.json", memoryBytes: 24 << 30)) { e in
            XCTAssertTrue("\(e)".contains("c.json") && "\(e)".contains("more than this machine's 24.0 GiB"), "\(e)")
        }
        XCTAssertNoThrow(try decode(#"{"vocab_size": 64, "hidden_size": 16, "num_attention_heads": 2, "num_key_value_heads": 1, "num_hidden_layers": 2, "intermediate_size": 8}"#)
            .checkRandomWeightsFit(file: "c.json", memoryBytes: 1 << 20))
    }

    func testFractionsNameTheFieldNotInvalidJSON() {
        expect(#"{"hidden_size": 64.5}"#, ["config.json", "'hidden_size'", "expected an integer, got 64.5"])
        // Real syntax errors still say so.
        expect(#"{"hidden_size": }"#, ["config.json", "not valid JSON"])
    }

    func testFolderGivenAsConfig() throws {
        let folder = FileManager.default.temporaryDirectory
        XCTAssertThrowsError(try ModelConfiguration.load(from: folder)) { e in
            XCTAssertTrue("\(e)".contains("is a folder"), "\(e)")
        }
        XCTAssertThrowsError(try ModelConfiguration.load(from: folder.appendingPathComponent("absent-\(UUID()).json"))) { e in
            XCTAssertTrue("\(e)".contains("no such file"), "\(e)")
        }
    }

    /// A source whose embedding is NaN: the engine flags every result instead of scoring garbage.
    final class PoisonedEmbedding: TensorSource {
        let inner: RandomWeights
        init(_ inner: RandomWeights) { self.inner = inner }
        var origin: String { "poisoned" }
        var tensorNames: [String] { inner.tensorNames }
        func shape(of name: String) -> [Int]? { inner.shape(of: name) }
        func tensor(_ name: String) throws -> Tensor {
            let t = try inner.tensor(name)
            guard name == "model.embed_tokens.weight" else { return t }
            let buffer = FloatBuffer(count: t.count)
            buffer.fill(.nan)
            return Tensor(shape: t.shape, buffer: buffer)
        }
    }

    func testEngineFlagsNonFiniteLogits() throws {
        let c = try decode(#"{"model_type": "mixtral", "vocab_size": 64, "hidden_size": 16, "num_attention_heads": 2, "num_key_value_heads": 1, "num_hidden_layers": 2, "intermediate_size": 8, "num_local_experts": 4}"#)
        let engine = Engine(model: try DecoderModel(config: c, source: PoisonedEmbedding(RandomWeights(config: c, seed: 1))), options: EngineOptions(prefillChunk: 4, maxBatch: 2))
        let g = try engine.generate([GenerateRequest(prompt: [1, 2, 3], maxNewTokens: 5), GenerateRequest(prompt: [4], maxNewTokens: 5)])
        XCTAssertEqual(g.map(\.finishReason), [.nonFiniteLogits, .nonFiniteLogits])
        XCTAssertEqual(g.map(\.tokens.count), [1, 1], "stops at the first non-finite row")
        let p = try engine.positions([PositionsRequest(ids: [1, 2, 3], targets: [(1, 3)])])
        XCTAssertTrue(p[0].nonFiniteLogits)
        let l = try engine.loglikelihood([LoglikelihoodRequest(context: [1], continuation: [2])])
        XCTAssertTrue(l[0].nonFiniteLogits)
        // The same model with finite weights is not flagged.
        let fine = Engine(model: try DecoderModel(config: c, source: RandomWeights(config: c, seed: 1)), options: EngineOptions(prefillChunk: 4, maxBatch: 2))
        XCTAssertEqual(try fine.generate([GenerateRequest(prompt: [1, 2, 3], maxNewTokens: 5)]).map(\.finishReason), [.length])
        XCTAssertFalse(try fine.positions([PositionsRequest(ids: [1, 2, 3], targets: [(1, 3)])])[0].nonFiniteLogits)
    }
}
