import XCTest
import JambaKernels
@testable import JambaModels

/// An engine's own kernels give the same bits on any number of threads: every kernel that fans out
/// splits over its ComputeContext into contiguous slices with a fixed reduction order. Checked end
/// to end on a hybrid large enough that the scan, the attention prefill, the MLPs and the batched
/// decode products really split (the fixtures are below the fan-out threshold).
///
/// OpenBLAS's thread count is another matter: its sgemm does not promise the same bits on one
/// thread and on two (measured here: up to 3e-6 on logits of size ~1), so the exact comparison
/// holds OpenBLAS at one thread, and with OpenBLAS following the engine's count only closeness is
/// asserted.
final class EngineThreadsTests: XCTestCase {
    func testPrefillAndDecodeAreIdenticalForAnyThreadCount() throws {
        var c = ModelConfiguration()
        c.vocabSize = 512; c.hiddenSize = 256; c.intermediateSize = 512; c.numHiddenLayers = 4
        c.numAttentionHeads = 8; c.numKeyValueHeads = 2; c.numExperts = 4; c.numExpertsPerTok = 2
        c.attnLayerPeriod = 2; c.attnLayerOffset = 1; c.mambaDState = 16
        let model = try DecoderModel(config: c, source: RandomWeights(config: c, seed: 3))
        let prompts = (0..<3).map { s in (0..<(150 + 40 * s)).map { ($0 * 37 + s * 11 + 5) % 512 } }
        /// Logits at three positions of each prompt (chunked, packed prefill), then four batched
        /// decode steps of all three sequences.
        func run(threads: Int, openBLASThreads: Int? = nil) throws -> [Float] {
            let engine = Engine(model: model, options: EngineOptions(threads: threads, prefillChunk: 128, maxBatch: 3))
            XCTAssertEqual(engine.context.threads, threads)
            if let n = openBLASThreads { ComputeContext(threads: n).claimOpenBLAS() }
            defer { engine.context.claimOpenBLAS() }
            let states = prompts.map { model.newState(reserve: $0.count + 4) }
            var out: [Float] = []
            var next = [0, 0, 0]
            try engine.prefill(prompts, states: states, logitPositions: prompts.map { [0, $0.count / 2, $0.count - 1] }) { s, p, logits in
                out += logits
                if p == prompts[s].count - 1 { next[s] = Softmax.argmax(logits.baseAddress!, count: logits.count) }
            }
            for _ in 0..<4 {
                let logits = try engine.decodeStep(next, states: states)
                out += logits.values
                next = (0..<3).map { logits.argmax(row: $0) }
            }
            return out
        }
        let one = try run(threads: 1)
        XCTAssertEqual(one.count, (9 + 12) * c.vocabSize)
        XCTAssertEqual(one, try run(threads: 2, openBLASThreads: 1))
        XCTAssertEqual(one, try run(threads: 3, openBLASThreads: 1))
        let scale = one.map(abs).max()!
        for threads in [2, 3] {
            let diff = zip(one, try run(threads: threads)).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(diff, 1e-5 * scale, "\(threads) threads, OpenBLAS on as many")
        }
    }
}
