import XCTest
import JambaCheckpoint
import JambaKernels
@testable import JambaModels

/// Logits against transformers' JambaForCausalLM goldens (tools/reference/make_fixtures.py).
final class ParityTests: XCTestCase {
    static let tolerance: Float = 1e-4

    func testEveryFixtureMatchesTransformers() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            XCTAssertFalse(fx.sequences.isEmpty, name)
            for (i, seq) in fx.sequences.enumerated() {
                let logits = try model.forward(sequences: [seq.ids])
                let (d, s) = maxDiff(logits.values[...], seq.logits[...])
                print("parity \(name) seq\(i) T=\(seq.ids.count): max|diff| \(d) (\(d / s) of max|golden| \(s))")
                XCTAssertLessThanOrEqual(d, Self.tolerance * s, "\(name) seq\(i)")
            }
        }
    }

    func testPackedBatchEqualsEachSequenceAlone() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            let all = fx.sequences.map(\.ids)
            let packed = try model.forward(sequences: all)
            let v = model.config.vocabSize
            var row = 0
            for (i, ids) in all.enumerated() {
                let alone = try model.forward(sequences: [ids])
                let part = packed.values[(row * v)..<((row + ids.count) * v)]
                let (d, s) = maxDiff(part, alone.values[...])
                XCTAssertLessThanOrEqual(d, 1e-5 * s, "\(name) seq\(i) packed vs alone")
                let (g, gs) = maxDiff(part, fx.sequences[i].logits[...])
                XCTAssertLessThanOrEqual(g, Self.tolerance * gs, "\(name) seq\(i) packed vs golden")
                row += ids.count
            }
            // Last-row logits are the same rows.
            let last = try model.forward(sequences: all, logits: .last)
            row = 0
            for (i, ids) in all.enumerated() {
                row += ids.count
                let (d, s) = maxDiff(last.row(i), packed.row(row - 1))
                XCTAssertLessThanOrEqual(d, 1e-5 * s, "\(name) seq\(i) last-only")
            }
        }
    }

    /// The fixtures must exercise what they claim to: layer kinds, tied embeddings, BF16 shards.
    func testFixturesCoverTheShapesTheyClaim() throws {
        let hybrid = try Fixture("hybrid").model()
        XCTAssertEqual(hybrid.plans.map(\.mixer), (0..<8).map { $0 == 4 ? .attention : .mamba })
        XCTAssertEqual(hybrid.plans.map(\.feedForward.isMoE), (0..<8).map { $0 % 2 == 1 })
        XCTAssertTrue(try Fixture("transformer").model().plans.allSatisfy { $0.mixer == .attention })
        XCTAssertTrue(try Fixture("mamba").model().plans.allSatisfy { $0.mixer == .mamba })
        let odd = try Fixture("odd").model()
        XCTAssertEqual(odd.config.numAttentionHeads / odd.config.numKeyValueHeads, 3)
        XCTAssertEqual(odd.config.numExpertsPerTok, 3)
        XCTAssertEqual(odd.config.mambaDConv, 3)
        XCTAssertTrue(odd.config.tieWordEmbeddings)
        let ck = try XCTUnwrap(odd.source as? Checkpoint)
        XCTAssertEqual(ck.files.count, 2)
        XCTAssertEqual(ck.dtypes.first, .bf16)
    }

    /// The baseline fixtures exercise what they claim to (tools/reference/README.md).
    func testBaselineFixturesCoverTheShapesTheyClaim() throws {
        let llama = try Fixture("llama").model()
        XCTAssertEqual(llama.config.architecture, .llama)
        XCTAssertEqual(llama.config.headDim, 12)
        let odd = try Fixture("llama-odd").model()
        XCTAssertTrue(odd.config.attentionBias && odd.config.mlpBias && odd.config.tieWordEmbeddings)
        XCTAssertNotEqual(odd.config.headDim * odd.config.numAttentionHeads, odd.config.hiddenSize)
        XCTAssertEqual(odd.config.numAttentionHeads / odd.config.numKeyValueHeads, 3)
        XCTAssertEqual(odd.config.ropeScaling.kind, .linear)
        let ck = try XCTUnwrap(odd.source as? Checkpoint)
        XCTAssertEqual(ck.files.count, 2)
        XCTAssertEqual(ck.dtypes.first, .bf16)
        let dynamic = try Fixture("llama-dynamic")
        XCTAssertEqual(try dynamic.model().config.ropeScaling.kind, .dynamic)
        XCTAssertGreaterThan(dynamic.sequences.map(\.ids.count).max()!, try dynamic.model().config.maxPositionEmbeddings)
        XCTAssertEqual(try Fixture("llama3").model().config.ropeScaling.kind, .llama3)
        let mistral = try Fixture("mistral")
        let window = try XCTUnwrap(try mistral.model().config.attentionWindow)
        XCTAssertLessThan(window, mistral.sequences.map(\.ids.count).min()!)
        let mixtral = try Fixture("mixtral").model()
        XCTAssertTrue(mixtral.source.contains("model.layers.0.block_sparse_moe.experts.0.w1.weight"))
        let fused = try Fixture("mixtral-fused").model()
        XCTAssertTrue(fused.source.contains("model.layers.0.mlp.experts.gate_up_proj"))
        XCTAssertEqual(fused.config.numExpertsPerTok, 3)
    }

    func testTokenOutsideVocabularyIsAnError() throws {
        let model = try Fixture("hybrid").model()
        XCTAssertThrowsError(try model.forward(sequences: [[1, 2, 256]])) { e in
            XCTAssertTrue("\(e)".contains("token id 256") && "\(e)".contains("position 2"), "\(e)")
        }
    }
}
