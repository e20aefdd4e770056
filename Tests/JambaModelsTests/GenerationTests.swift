import XCTest
import JambaKernels
@testable import JambaModels

/// The hybrid cache: decode and chunked prefill against the one-shot full-sequence forward, and
/// greedy continuations against transformers' (re-run-the-whole-sequence) goldens.
final class GenerationTests: XCTestCase {
    /// Logits at every position of `ids`, fed through an engine in prefill chunks of `chunk`.
    func chunkedLogits(_ model: DecoderModel, _ ids: [Int], chunk: Int) throws -> [Float] {
        let engine = Engine(model: model, options: EngineOptions(prefillChunk: chunk))
        var out = [Float](repeating: .nan, count: ids.count * model.config.vocabSize)
        let v = model.config.vocabSize
        try engine.prefill([ids], states: [model.newState()], logitPositions: [Array(ids.indices)]) { _, p, logits in
            for j in 0..<v { out[p * v + j] = logits[j] }
        }
        return out
    }

    func testGreedyMatchesTransformers() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let engine = Engine(model: try fx.model(), options: EngineOptions(prefillChunk: 16, maxBatch: 2))
            let results = try engine.generate(fx.sequences.map { GenerateRequest(prompt: $0.ids, maxNewTokens: 16) })
            for (i, (r, seq)) in zip(results, fx.sequences).enumerated() {
                XCTAssertEqual(r.tokens, seq.expectedGreedy, "\(name) seq\(i) greedy continuation")
                if let cached = seq.cachedGreedy { XCTAssertNotEqual(cached, seq.greedy, "\(name): the cached golden must differ to mean anything") }
                XCTAssertEqual(r.finishReason, .length)
            }
        }
    }

    func testPrefillThenDecodeEqualsFullForward() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            let ids = fx.sequences[2].ids
            let v = model.config.vocabSize
            let full = try model.forward(sequences: [ids]).values
            let state = model.newState()
            // Dynamic rotary scaling takes its frequencies from the whole sequence's length, as
            // the engine's prefill tells it; the one-forward golden had all 40 tokens.
            state.plannedLength = ids.count
            let split = 9
            var got = try model.forward(PackedBatch([Array(ids[..<split])]), states: [state], logits: .all).values
            for t in split..<ids.count {
                got += try model.forward(PackedBatch([[ids[t]]]), states: [state], logits: .last).values
            }
            XCTAssertEqual(state.position, ids.count)
            let (d, s) = maxDiff(got[...], full[...])
            print("decode vs full \(name): max|diff| \(d) of \(s)")
            XCTAssertLessThanOrEqual(d, 1e-4 * s, name)
            XCTAssertEqual(got.count, ids.count * v)
        }
    }

    func testChunkedPrefillEqualsOneShot() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            let ids = fx.sequences[2].ids
            let oneShot = try chunkedLogits(model, ids, chunk: 4096)
            XCTAssertEqual(oneShot, try model.forward(sequences: [ids]).values)
            for chunk in [1, 7, 64] {
                let (d, s) = maxDiff(try chunkedLogits(model, ids, chunk: chunk)[...], oneShot[...])
                XCTAssertLessThanOrEqual(d, 1e-4 * s, "\(name) chunk \(chunk): \(d)")
            }
        }
    }

    /// Activation scratch is sized by the chunk (the engine's, once), not by the prompt: long
    /// prompts stay in bounded memory.
    func testChunkedPrefillBoundsActivationRows() throws {
        let fx = try Fixture("hybrid")
        let model = try fx.model()
        let ids = fx.sequences[2].ids + fx.sequences[0].ids + fx.sequences[2].ids
        let engine = Engine(model: model, options: EngineOptions(prefillChunk: 7, maxBatch: 1))
        XCTAssertEqual(engine.workspace.rows, 7)
        try engine.prefill([ids], states: [model.newState()], logitPositions: [[ids.count - 1]]) { _, _, _ in }
        XCTAssertEqual(engine.workspace.rows, 7)
        XCTAssertEqual(engine.stats.prefillTokens, ids.count)
        // A one-shot forward larger than the workspace is refused with the reason, not run.
        XCTAssertThrowsError(try engine.forward(sequences: [ids]))
    }

    func testBatchedDecodeGivesEachSequenceItsOwnTokens() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            // Different prompt lengths and budgets, so sequences finish at different steps and the
            // fourth joins when a slot frees.
            let requests = [GenerateRequest(prompt: fx.sequences[0].ids, maxNewTokens: 12),
                            GenerateRequest(prompt: fx.sequences[1].ids, maxNewTokens: 5),
                            GenerateRequest(prompt: fx.sequences[2].ids, maxNewTokens: 9),
                            GenerateRequest(prompt: Array(fx.sequences[2].ids.prefix(3)), maxNewTokens: 7)]
            let alone = try requests.map { try Engine(model: model, options: EngineOptions(maxBatch: 1)).generate([$0])[0] }
            let together = try Engine(model: model, options: EngineOptions(prefillChunk: 24, maxBatch: 3)).generate(requests)
            XCTAssertEqual(together.map(\.tokens), alone.map(\.tokens), name)
            XCTAssertEqual(together.map(\.tokens.count), [12, 5, 9, 7])
        }
    }

    func testSnapshotContinuesIdentically() throws {
        let fx = try Fixture("hybrid")
        let model = try fx.model()
        let ids = fx.sequences[2].ids
        let original = model.newState()
        _ = try model.forward(PackedBatch([Array(ids[..<30])]), states: [original], logits: .last)
        let snapshot = original.copy()
        XCTAssertEqual(snapshot.bytes, original.bytes)
        XCTAssertEqual(snapshot.position, 30)
        let rest = [Array(ids[30...])]
        let a = try model.forward(PackedBatch(rest), states: [original], logits: .all)
        let b = try model.forward(PackedBatch(rest), states: [snapshot], logits: .all)
        XCTAssertEqual(a.values, b.values)
        // And the snapshot was not disturbed by the original moving on before it was used.
        let c = original.copy()
        c.reset()
        XCTAssertEqual(c.position, 0)
        XCTAssertEqual(c.bytes, model.fixedStateBytes)
    }

    func testStateBytesAreMambaPlusKVPerToken() throws {
        let model = try Fixture("hybrid").model()
        let state = model.newState()
        XCTAssertEqual(state.bytes, model.fixedStateBytes)
        _ = try model.forward(PackedBatch([[1, 2, 3, 4, 5]]), states: [state], logits: .last)
        XCTAssertEqual(state.bytes, model.fixedStateBytes + 5 * model.kvBytesPerToken)
        let c = model.config
        XCTAssertEqual(model.fixedStateBytes, 7 * 4 * c.dInner * (c.mambaDConv - 1 + c.mambaDState))
    }

    func testLoglikelihoodEqualsLogSoftmaxOfFullForward() throws {
        for name in Fixture.modelNames {
            let fx = try Fixture(name)
            let model = try fx.model()
            let ids = fx.sequences[0].ids, v = model.config.vocabSize
            let full = try model.forward(sequences: [ids]).values
            let split = 5
            var expected = 0.0
            var greedy = true
            for p in (split - 1)..<(ids.count - 1) {
                let row = Array(full[(p * v)..<((p + 1) * v)])
                let lse = row.withUnsafeBufferPointer { Softmax.logSumExp($0.baseAddress!, count: v) }
                expected += Double(row[ids[p + 1]]) - lse
                if row.firstIndex(of: row.max()!) != ids[p + 1] { greedy = false }
            }
            let engine = Engine(model: model, options: EngineOptions(prefillChunk: 4))
            let r = try engine.loglikelihood([LoglikelihoodRequest(context: Array(ids[..<split]), continuation: Array(ids[split...])),
                                              LoglikelihoodRequest(context: [ids[0]], continuation: [fx.sequences[0].greedy[0]])])
            XCTAssertEqual(r[0].logprob, expected, accuracy: 1e-4 * abs(expected), name)
            XCTAssertEqual(r[0].isGreedy, greedy)
            XCTAssertEqual(r[0].tokenLogprobs.count, ids.count - split)
            // The greedy token after the whole first sequence is greedy by definition.
            let g = try engine.loglikelihood([LoglikelihoodRequest(context: ids, continuation: [fx.sequences[0].greedy[0]])])[0]
            XCTAssertTrue(g.isGreedy, name)
            XCTAssertLessThan(g.logprob, 0)
        }
    }

    func testPositionsCompareArgmaxWithTargets() throws {
        let fx = try Fixture("transformer")
        let model = try fx.model()
        let ids = fx.sequences[0].ids
        let full = try model.forward(sequences: [ids])
        let argmax = (0..<ids.count).map { full.argmax(row: $0) }
        let targets = [(position: 3, token: argmax[3]), (position: 7, token: (argmax[7] + 1) % 256), (position: 12, token: argmax[12])]
        let r = try Engine(model: model, options: EngineOptions(prefillChunk: 5)).positions([PositionsRequest(ids: ids, targets: targets)])[0]
        XCTAssertEqual(r.predictions, [argmax[3], argmax[7], argmax[12]])
        XCTAssertEqual(r.correct, [true, false, true])
        XCTAssertThrowsError(try Engine(model: model).positions([PositionsRequest(ids: ids, targets: [(position: 13, token: 0)])])) {
            XCTAssertTrue("\($0)".contains("position 13"))
        }
    }

    func testStopTokensAndStopStrings() throws {
        let fx = try Fixture("hybrid")
        let model = try fx.model()
        let greedy = fx.sequences[0].greedy
        // Stop at the 4th greedy token (its first occurrence).
        let stopAt = greedy.firstIndex(of: greedy[3])!
        let engine = Engine(model: model, detokenize: { ids in ids.map { "<\($0)>" }.joined() })
        let byToken = try engine.generate([GenerateRequest(prompt: fx.sequences[0].ids, maxNewTokens: 16, stopTokens: [greedy[3]])])[0]
        XCTAssertEqual(byToken.tokens, Array(greedy[...stopAt]))
        XCTAssertEqual(byToken.finishReason, .stopToken)
        XCTAssertEqual(byToken.text, greedy[..<stopAt].map { "<\($0)>" }.joined())
        let byString = try engine.generate([GenerateRequest(prompt: fx.sequences[0].ids, maxNewTokens: 16, stopStrings: ["<\(greedy[2])>"])])[0]
        let first = greedy.firstIndex(of: greedy[2])!
        XCTAssertEqual(byString.finishReason, .stopString)
        XCTAssertEqual(byString.tokens, Array(greedy[...first]))
        XCTAssertEqual(byString.text, greedy[..<first].map { "<\($0)>" }.joined())
        XCTAssertThrowsError(try Engine(model: model).generate([GenerateRequest(prompt: [1], maxNewTokens: 2, stopStrings: ["x"])]))
    }
}
