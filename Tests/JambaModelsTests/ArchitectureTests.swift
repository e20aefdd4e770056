import XCTest
import JambaCheckpoint
import JambaKernels
@testable import JambaModels

/// Llama, Mistral and Mixtral configurations: defaults, key spellings, rotary frequencies, routing
/// and the sliding-window cache. Parity with transformers is in ParityTests and GenerationTests.
final class ArchitectureTests: XCTestCase {
    func decode(_ json: String) throws -> ModelConfiguration {
        try ModelConfiguration.decode(Data(json.utf8), file: "config.json")
    }

    func testEachArchitectureHasTransformersDefaults() throws {
        let llama = try decode(#"{"model_type": "llama"}"#)
        XCTAssertEqual(llama.architecture, .llama)
        XCTAssertEqual([llama.vocabSize, llama.intermediateSize, llama.numKeyValueHeads, llama.maxPositionEmbeddings], [32000, 11008, 32, 2048])
        XCTAssertEqual(llama.ropeTheta, 10000)
        XCTAssertNil(llama.attentionWindow)
        XCTAssertTrue(llama.layers.allSatisfy { $0.mixer == .attention && $0.feedForward == .dense })
        let mistral = try decode(#"{"model_type": "mistral"}"#)
        XCTAssertEqual(mistral.attentionWindow, 4096)
        XCTAssertEqual(mistral.numKeyValueHeads, 8)
        XCTAssertNil(try decode(#"{"model_type": "mistral", "sliding_window": null}"#).attentionWindow)
        let mixtral = try decode(#"{"model_type": "mixtral", "num_local_experts": 6, "num_experts_per_tok": 3}"#)
        XCTAssertEqual(mixtral.rmsNormEps, 1e-5)
        XCTAssertEqual(mixtral.ropeTheta, 1e6)
        XCTAssertNil(mixtral.attentionWindow)
        XCTAssertTrue(mixtral.layers.allSatisfy { $0.mixer == .attention && $0.feedForward == .moe(experts: 6, topK: 3) })
        XCTAssertTrue(mixtral.architecture.renormalizesTopK)
        XCTAssertFalse(ModelConfiguration().architecture.renormalizesTopK)
        XCTAssertNil(ModelConfiguration().rotary, "Jamba's attention has no positions")
    }

    func testOtherModelTypesAreRefusedByName() {
        XCTAssertThrowsError(try decode(#"{"model_type": "gpt2"}"#)) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("model_type") && text.contains("gpt2") && text.contains("'mixtral'"), text)
        }
    }

    func testRopeKeysOfBothTransformersGenerations() throws {
        let old = try decode(#"{"model_type": "llama", "rope_theta": 500000, "rope_scaling": {"type": "linear", "factor": 4}}"#)
        XCTAssertEqual(old.ropeTheta, 500000)
        XCTAssertEqual(old.ropeScaling, RopeScaling(kind: .linear, factor: 4))
        let new = try decode(#"{"model_type": "llama", "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000, "factor": 8, "low_freq_factor": 1, "high_freq_factor": 4, "original_max_position_embeddings": 8192}}"#)
        XCTAssertEqual(new.ropeTheta, 500000)
        XCTAssertEqual(new.ropeScaling, RopeScaling(kind: .llama3, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192))
        XCTAssertThrowsError(try decode(#"{"model_type": "llama", "rope_scaling": {"rope_type": "yarn", "factor": 4}}"#)) { e in
            XCTAssertTrue("\(e)".contains("yarn") && "\(e)".contains("rope_scaling"), "\(e)")
        }
        XCTAssertThrowsError(try decode(#"{"model_type": "mistral", "sliding_window": 0}"#)) { e in
            XCTAssertTrue("\(e)".contains("'sliding_window'"), "\(e)")
        }
    }

    /// inv_freq by the formulas of transformers' rope utilities, worked by hand for head_dim 8.
    func testRopeFrequencies() {
        let dim = 8
        let base = (0..<4).map { 1 / pow(10000.0, Double(2 * $0) / 8) }   // 1, 0.1, 0.01, 0.001
        func close(_ a: [Float], _ b: [Double], _ what: String) {
            for (x, y) in zip(a, b) { XCTAssertEqual(Double(x), y, accuracy: 1e-6 * y, what) }
        }
        close(RopeScaling().inverseFrequencies(dim: dim, theta: 10000, maxPositions: 16, length: 0), base, "default")
        close(RopeScaling(kind: .linear, factor: 2).inverseFrequencies(dim: dim, theta: 10000, maxPositions: 16, length: 0),
              base.map { $0 / 2 }, "linear")
        // dynamic: unchanged within the trained 16 tokens; at 40, theta' = theta · (2·40/16 − 1)^(8/6).
        let dynamic = RotaryPositions(dim: dim, theta: 10000, scaling: RopeScaling(kind: .dynamic, factor: 2), maxPositions: 16)
        close(dynamic.inverseFrequencies(length: 16), base, "dynamic within")
        let theta = 10000 * pow(2.0 * 40 / 16 - 1, 8.0 / 6)
        close(dynamic.inverseFrequencies(length: 40), (0..<4).map { 1 / pow(theta, Double(2 * $0) / 8) }, "dynamic at 40")
        // llama3, old context 64, low 1, high 8: wavelengths 2π/f = 6.28 (< 8: kept), 62.8 (between:
        // smoothed), 628 and 6283 (> 64: divided by 8).
        let l3 = RopeScaling(kind: .llama3, factor: 8, lowFreqFactor: 1, highFreqFactor: 8, originalMaxPositionEmbeddings: 64)
            .inverseFrequencies(dim: dim, theta: 10000, maxPositions: 1 << 20, length: 0)
        let smooth = (64 / (2 * Double.pi / 0.1) - 1) / (8 - 1)
        close(l3, [1, (1 - smooth) * 0.1 / 8 + smooth * 0.1, 0.01 / 8, 0.001 / 8], "llama3")
    }

    func testRoutingRenormalisesOnlyForMixtralAndIsTotal() {
        var index = [Int32](repeating: 0, count: 2), weight = [Float](repeating: 0, count: 2)
        let p: [Float] = [0.1, 0.5, 0.15, 0.25]
        MoEBlock.route(p, experts: 4, topK: 2, renormalize: false, index: &index, weight: &weight)
        XCTAssertEqual(index, [1, 3]); XCTAssertEqual(weight, [0.5, 0.25])
        MoEBlock.route(p, experts: 4, topK: 2, renormalize: true, index: &index, weight: &weight)
        XCTAssertEqual(index, [1, 3]); XCTAssertEqual(weight[0], 2 / 3, accuracy: 1e-6); XCTAssertEqual(weight[1], 1 / 3, accuracy: 1e-6)
        // NaN scores (a NaN router) never pick an invalid or repeated expert.
        MoEBlock.route([.nan, .nan, .nan], experts: 3, topK: 2, renormalize: false, index: &index, weight: &weight)
        XCTAssertEqual(Set(index).count, 2)
        XCTAssertTrue(index.allSatisfy { (0..<3).contains($0) })
        MoEBlock.route([.nan, 0.2, .nan, 0.7], experts: 4, topK: 2, renormalize: false, index: &index, weight: &weight)
        XCTAssertEqual(index, [3, 1])
    }

    /// A sliding-window cache holds at most about 2W rows however long the sequence, and decoding
    /// through it gives the logits of one full forward.
    func testSlidingWindowCacheStaysBoundedAndExact() throws {
        var c = ModelConfiguration(architecture: .mistral)
        c.vocabSize = 40; c.hiddenSize = 32; c.intermediateSize = 24; c.numHiddenLayers = 2
        c.numAttentionHeads = 4; c.numKeyValueHeads = 2; c.slidingWindow = 6
        let model = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 5))
        let ids = (0..<50).map { ($0 * 7 + 3) % 40 }
        let full = try model.forward(sequences: [ids]).values
        let state = model.newState(reserve: 1000)
        var got = try model.forward(PackedBatch([Array(ids[..<9])]), states: [state], logits: .all).values
        for t in 9..<ids.count {
            got += try model.forward(PackedBatch([[ids[t]]]), states: [state], logits: .last).values
            for case .attention(let kv) in state.layers { XCTAssertLessThanOrEqual(kv.capacity, 12); XCTAssertGreaterThanOrEqual(kv.count, 5) }
        }
        let (d, s) = maxDiff(got[...], full[...])
        XCTAssertLessThanOrEqual(d, 1e-5 * s, "windowed decode vs one forward: \(d)")
        // And the window is real: without it the logits differ.
        var open = c; open.slidingWindow = nil
        let unwindowed = try DecoderModel(config: open, source: RandomWeights(config: open, seed: 5)).forward(sequences: [ids]).values
        XCTAssertGreaterThan(maxDiff(unwindowed[...], full[...]).diff, 1e-3)
    }

    /// init writes a folder transformers' class for the architecture reads, with the schema's names.
    func testInitFoldersOfEveryArchitectureLoadBack() throws {
        for a in [Architecture.llama, .mistral, .mixtral] {
            var c = ModelConfiguration(architecture: a)
            c.vocabSize = 40; c.hiddenSize = 32; c.intermediateSize = 24; c.numHiddenLayers = 2
            c.numAttentionHeads = 4; c.numKeyValueHeads = 2
            if a == .mixtral { c.numExperts = 3; c.numExpertsPerTok = 2 }
            if a == .llama { c.attentionBias = true; c.mlpBias = true; c.ropeScaling = RopeScaling(kind: .linear, factor: 2) }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(a)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let random = RandomWeights(config: c, seed: 3)
            try random.write(to: dir)
            let json = try String(contentsOf: dir.appendingPathComponent("config.json"), encoding: .utf8)
            XCTAssertTrue(json.contains("\"model_type\" : \"\(a.rawValue)\"") && json.contains(a.transformersClass), json)
            let loaded = try DecoderModel.load(folder: dir)
            XCTAssertEqual(loaded.config, c, "\(a)")
            let ids = [[4, 9, 1, 0, 33]]
            XCTAssertEqual(try loaded.forward(sequences: ids).values, try DecoderModel(config: c, source: random).forward(sequences: ids).values)
            let names = Set(random.tensorNames)
            XCTAssertTrue(names.contains("model.norm.weight") && names.contains("model.layers.1.post_attention_layernorm.weight"))
            if a == .mixtral { XCTAssertTrue(names.contains("model.layers.0.block_sparse_moe.experts.2.w3.weight")) }
            if a == .llama { XCTAssertTrue(names.contains("model.layers.0.self_attn.o_proj.bias") && names.contains("model.layers.0.mlp.down_proj.bias")) }
        }
    }
}
