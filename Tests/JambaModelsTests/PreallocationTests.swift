import XCTest
import JambaKernels
import JambaModels

/// States reserved up front and filled from a prefilled one (how the claims benchmark builds a
/// batch at long context) continue exactly as the original does.
final class PreallocationTests: XCTestCase {
    func testFilledStateContinuesIdentically() throws {
        // The hybrid (Mamba + attention), a rotary baseline and a sliding-window one.
        for name in ["hybrid", "llama", "mistral"] {
            let model = try Fixture(name).model()
            let ids = try Fixture(name).sequences[2].ids
            let original = model.newState(reserve: ids.count)
            _ = try model.forward(PackedBatch([Array(ids[..<30])]), states: [original], logits: .last)
            let filled = model.newState(reserve: ids.count)
            // Something to overwrite: the fill must replace, not append.
            _ = try model.forward(PackedBatch([[1, 2, 3]]), states: [filled], logits: .last)
            filled.fill(from: original)
            XCTAssertEqual(filled.position, original.position, name)
            XCTAssertEqual(filled.bytes, original.bytes, name)
            let rest = [Array(ids[30...])]
            let a = try model.forward(PackedBatch(rest), states: [original], logits: .all)
            let b = try model.forward(PackedBatch(rest), states: [filled], logits: .all)
            XCTAssertEqual(a.values, b.values, name)
        }
    }

    /// A workspace larger than the forward (an engine sized for a longer chunk) gives the bits of
    /// one sized exactly, and one model serves several engines.
    func testLargerWorkspaceServesTheForward() throws {
        let model = try Fixture("hybrid").model()
        let ids = try Fixture("hybrid").sequences[2].ids
        let a = try Engine(model: model, options: EngineOptions(prefillChunk: 64)).forward(sequences: [ids], logits: .last).values
        let b = try Engine(model: model, options: EngineOptions(prefillChunk: ids.count, maxBatch: 1)).forward(sequences: [ids], logits: .last).values
        XCTAssertEqual(a, b)
    }
}
