import XCTest
import JambaCheckpoint
import JambaKernels
@testable import JambaModels

final class ModelBuildTests: XCTestCase {
    func smallConfig() -> ModelConfiguration {
        var c = ModelConfiguration()
        c.vocabSize = 50; c.hiddenSize = 32; c.intermediateSize = 24; c.numHiddenLayers = 4
        c.numAttentionHeads = 4; c.numKeyValueHeads = 2; c.numExperts = 3; c.numExpertsPerTok = 2
        c.attnLayerPeriod = 2; c.attnLayerOffset = 1; c.mambaDState = 4
        return c
    }

    func testRandomWeightsAreSeeded() throws {
        let c = smallConfig()
        let a = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 7)).forward(sequences: [[1, 2, 3]])
        let b = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 7)).forward(sequences: [[1, 2, 3]])
        let other = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 8)).forward(sequences: [[1, 2, 3]])
        XCTAssertEqual(a.values, b.values)
        XCTAssertNotEqual(a.values, other.values)
        XCTAssertTrue(a.values.allSatisfy(\.isFinite))
    }

    func testInitFolderLoadsBackIdentically() throws {
        let c = smallConfig()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let random = RandomWeights(config: c, seed: 3)
        try random.write(to: dir)
        let loaded = try DecoderModel.load(folder: dir)
        XCTAssertEqual(loaded.config, c)
        let ids = [[4, 9, 1, 0, 33]]
        XCTAssertEqual(try loaded.forward(sequences: ids).values, try DecoderModel(config: c, source: random).forward(sequences: ids).values)
    }

    /// The fused expert layout (gate_up_proj [E, 2F, d] with gate rows first, down_proj [E, d, F])
    /// gives exactly what the per-expert layout gives.
    func testFusedExpertLayoutMatchesPerExpert() throws {
        let c = smallConfig()
        let random = RandomWeights(config: c, seed: 11)
        let fused = try FusedExperts(random)
        let ids = [[3, 1, 4, 1, 5, 9, 2, 6]]
        XCTAssertEqual(try DecoderModel(config: c, source: fused).forward(sequences: ids).values,
                       try DecoderModel(config: c, source: random).forward(sequences: ids).values)
    }

    func testMissingTensorNamesItAndItsShape() throws {
        let c = smallConfig()
        let source = Without(RandomWeights(config: c, seed: 1), name: "model.layers.1.self_attn.k_proj.weight")
        XCTAssertThrowsError(try DecoderModel(config: c, source: source)) { e in
            XCTAssertTrue("\(e)".contains("model.layers.1.self_attn.k_proj.weight") && "\(e)".contains("[16, 32]"), "\(e)")
        }
    }

    func testTiedEmbeddingsNeedNoLMHead() throws {
        var c = smallConfig()
        c.tieWordEmbeddings = true
        let random = RandomWeights(config: c, seed: 2)
        XCTAssertFalse(random.contains(c.architecture.schema.lmHead))
        let m = try DecoderModel(config: c, source: random)
        XCTAssertEqual(m.parameterCount, random.tensorNames.reduce(0) { $0 + random.shape(of: $1)!.reduce(1, *) })
    }

    /// The FLOP count read off the weight schema equals the per-layer formula of DESIGN.md §2
    /// (projections, router, top-k experts), for Jamba and for Mixtral.
    func testLinearFLOPsFollowTheSchema() throws {
        var c = smallConfig()
        c.mambaDtRankValue = 3
        let d = Double(c.hiddenSize), di = Double(c.dInner), f = Double(c.intermediateSize)
        let r = Double(c.dtRank), n = Double(c.mambaDState), hd = Double(c.headDim)
        let h = Double(c.numAttentionHeads), kv = Double(c.numKeyValueHeads)
        var params = 0.0
        for plan in c.layers {
            params += plan.mixer == .mamba ? 2 * di * d + (r + 2 * n) * di + di * r + d * di : 2 * h * hd * d + 2 * kv * hd * d
            if case .moe(let e, let k) = plan.feedForward { params += Double(e) * d + Double(k) * 3 * f * d } else { params += 3 * f * d }
        }
        XCTAssertEqual(try DecoderModel(config: c, source: RandomWeights(config: c, seed: 1)).linearFLOPsPerToken, 2 * params)
        var m = ModelConfiguration(architecture: .mixtral)
        m.vocabSize = 50; m.hiddenSize = 32; m.intermediateSize = 24; m.numHiddenLayers = 2
        m.numAttentionHeads = 4; m.numKeyValueHeads = 2; m.numExperts = 4; m.numExpertsPerTok = 2
        // Per layer: q, o [32, 32] and k, v [16, 32]; router [4, 32]; top-2 of the [24, 32] gated MLPs.
        let attention: Double = 2 * 32 * 32 + 2 * 16 * 32
        let moe: Double = 4 * 32 + 2 * 3 * 24 * 32
        let mixtral: Double = 2 * 2 * (attention + moe)
        XCTAssertEqual(try DecoderModel(config: m, source: RandomWeights(config: m, seed: 1)).linearFLOPsPerToken, mixtral)
    }

    func testTransformerOnlyTwin() {
        let t = smallConfig().transformerOnly
        XCTAssertTrue(t.layers.allSatisfy { $0.mixer == .attention })
    }
}

/// A source that hides one tensor.
struct Without: TensorSource {
    let base: TensorSource, name: String
    init(_ base: TensorSource, name: String) { self.base = base; self.name = name }
    var origin: String { base.origin }
    var tensorNames: [String] { base.tensorNames.filter { $0 != name } }
    func shape(of n: String) -> [Int]? { n == name ? nil : base.shape(of: n) }
    func tensor(_ n: String) throws -> Tensor { try base.tensor(n) }
}

/// Re-packs a source's per-expert tensors into transformers' fused in-memory layout.
struct FusedExperts: TensorSource {
    let base: TensorSource
    var fused: [String: Tensor] = [:]
    var hidden: Set<String> = []

    init(_ base: TensorSource) throws {
        self.base = base
        let pattern = try NSRegularExpression(pattern: #"^(model\.layers\.\d+\.feed_forward\.experts)\.(\d+)\.gate_proj\.weight$"#)
        var experts: [String: Int] = [:]
        for n in base.tensorNames {
            if let m = pattern.firstMatch(in: n, range: NSRange(n.startIndex..., in: n)) {
                let prefix = String(n[Range(m.range(at: 1), in: n)!])
                experts[prefix] = max(experts[prefix] ?? 0, Int(n[Range(m.range(at: 2), in: n)!])! + 1)
            }
        }
        for (prefix, count) in experts {
            var gateUp: [Float] = [], down: [Float] = []
            var f = 0, d = 0
            for e in 0..<count {
                let g = try base.tensor("\(prefix).\(e).gate_proj.weight"), u = try base.tensor("\(prefix).\(e).up_proj.weight")
                (f, d) = (g.shape[0], g.shape[1])
                gateUp += g.array + u.array
                down += try base.tensor("\(prefix).\(e).down_proj.weight").array
                for part in ["gate_proj", "up_proj", "down_proj"] { hidden.insert("\(prefix).\(e).\(part).weight") }
            }
            fused["\(prefix).gate_up_proj"] = Tensor(shape: [count, 2 * f, d], buffer: .init(gateUp))
            fused["\(prefix).down_proj"] = Tensor(shape: [count, d, f], buffer: .init(down))
        }
    }

    var origin: String { base.origin }
    var tensorNames: [String] { base.tensorNames.filter { !hidden.contains($0) } + fused.keys }
    func shape(of n: String) -> [Int]? { hidden.contains(n) ? nil : (fused[n]?.shape ?? base.shape(of: n)) }
    func tensor(_ n: String) throws -> Tensor { try fused[n] ?? base.tensor(n) }
}
