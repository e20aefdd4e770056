import XCTest
import JambaKernels
@testable import JambaModels

/// The bytes a decode step must read, which decode's bandwidth utilisation divides by: each weight
/// once per step whatever the batch, each expert once per step that routes a row to it, every
/// sequence's KV cache at its own length.
final class DecodeBytesTests: XCTestCase {
    /// A hybrid with one attention layer and two MoE layers of 4 experts, top 2.
    func config() -> ModelConfiguration {
        var c = ModelConfiguration()
        c.vocabSize = 64; c.hiddenSize = 32; c.intermediateSize = 48; c.numHiddenLayers = 4
        c.numAttentionHeads = 4; c.numKeyValueHeads = 2; c.numExperts = 4; c.numExpertsPerTok = 2
        c.attnLayerPeriod = 4; c.attnLayerOffset = 1; c.mambaDState = 8; c.mambaDtRankValue = 4
        return c
    }

    func testStepBytesCountEachExpertOnceAndEachSequencesCache() throws {
        let c = config()
        let model = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 1))
        let d = c.hiddenSize, f = c.intermediateSize, v = c.vocabSize
        XCTAssertEqual(model.plans.filter { $0.feedForward.isMoE }.count, 2)
        // One expert of one layer is its gate, up and down: 3·d·F Float32 weights.
        XCTAssertEqual(model.decodeStepBytes(contexts: [5], expertsRun: 3) - model.decodeStepBytes(contexts: [5], expertsRun: 2),
                       Double(4 * 3 * d * f))
        // A second sequence adds its own cache, not the weights again.
        XCTAssertEqual(model.decodeStepBytes(contexts: [5, 7], expertsRun: 2) - model.decodeStepBytes(contexts: [5], expertsRun: 2),
                       Double(7 * c.kvBytesPerToken))
        // Nothing but weights at an empty cache: the layers' projections outside the experts,
        // expertsRun experts, and lm_head (every linear tensor of the schema, experts counted apart).
        let schema = c.architecture.schema
        let dense = schema.tensors(for: c).filter { $0.role == .linear && $0.expert == nil && $0.name != schema.lmHead }
            .reduce(0) { $0 + $1.count }
        XCTAssertEqual(model.decodeStepBytes(contexts: [0], expertsRun: 4), Double(4 * (dense + 4 * 3 * d * f + v * d)))
        // Batch 1 reads top-k experts in each MoE layer.
        XCTAssertEqual(model.decodeBytes(context: 9), model.decodeStepBytes(contexts: [9], expertsRun: 2 * 2))
    }

    func testMoEBlockCountsTheExpertsItsRowsRouteTo() throws {
        let c = config()
        let moe = try MoEBlock(RandomWeights(config: c, seed: 2), layer: 1, config: c)
        let context = ComputeContext(threads: 1)
        let ws = Workspace(config: c, rows: 8, context: context)
        var distinct: [Int] = []
        for rows in [1, 2, 5, 8] {
            let x = (0..<(rows * c.hiddenSize)).map { Float(sin(Double($0 * 7 + rows))) }
            var h = [Float](repeating: 0, count: rows * c.hiddenSize)
            let before = ws.expertsRun
            moe.forward(x, into: &h, rows: rows, ws: ws, context: context)
            // The experts the router picked, read back from its top-k choices.
            let picked = Set((0..<(rows * c.numExpertsPerTok)).map { ws.topIndex[$0] })
            XCTAssertEqual(ws.expertsRun - before, picked.count, "\(rows) rows")
            distinct.append(picked.count)
        }
        XCTAssertEqual(distinct[0], 2)
        XCTAssertTrue(distinct.contains { $0 > 2 }, "some batch routes to more than one row's experts: \(distinct)")
    }

    func testEngineDecodeStatsAddUpTheStepsBytes() throws {
        let c = config()
        let model = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 3))
        let engine = Engine(model: model, options: EngineOptions(threads: 1, prefillChunk: 64, maxBatch: 3))
        // One sequence: top-k experts per layer, its cache at 6, 7 and 8 tokens.
        let one = model.newState(reserve: 16)
        try engine.prefill([[3, 4, 5, 6, 7, 8]], states: [one], logitPositions: [[5]]) { _, _, _ in }
        var next = [1]
        for _ in 0..<3 { next = [try engine.decodeStep(next, states: [one]).argmax(row: 0)] }
        let expected = (6..<9).reduce(0.0) { $0 + model.decodeBytes(context: $1) }
        XCTAssertEqual(engine.stats.decodeBytes, expected, accuracy: expected * 1e-12)
        // Three sequences at different depths in one step: the weights once, between top-k and
        // every expert per MoE layer, three caches.
        let states = [2, 5, 9].map { n -> SequenceState in model.newState(reserve: n + 2) }
        try engine.prefill([2, 5, 9].map { Array(1...$0) }, states: states, logitPositions: [[1], [4], [8]]) { _, _, _ in }
        let before = engine.stats.decodeBytes
        _ = try engine.decodeStep([1, 2, 3], states: states)
        let step = engine.stats.decodeBytes - before
        XCTAssertGreaterThanOrEqual(step, model.decodeStepBytes(contexts: [2, 5, 9], expertsRun: 2 * 2))
        XCTAssertLessThanOrEqual(step, model.decodeStepBytes(contexts: [2, 5, 9], expertsRun: 2 * 4))
        XCTAssertLessThan(step, 3 * model.decodeBytes(context: 9), "the weights are counted once for the batch")
    }
}
