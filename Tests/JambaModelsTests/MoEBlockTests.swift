import XCTest
import JambaKernels
@testable import JambaModels

/// A decode step's experts run as two grouped products (`MoEBlock.forwardGrouped`); the expert by
/// expert path is their twin, and the two must agree bit for bit.
final class MoEBlockTests: XCTestCase {
    func testGroupedExpertsMatchExpertByExpertBitForBit() throws {
        var c = ModelConfiguration()
        // intermediate > 512: the down products (k = F) take SkinnyGEMM's blocked passes when an
        // expert gets more than two rows; 4 experts, top 2, so at 8 rows most experts get several.
        c.vocabSize = 64; c.hiddenSize = 96; c.intermediateSize = 600; c.numHiddenLayers = 2
        c.numAttentionHeads = 4; c.numKeyValueHeads = 2; c.numExperts = 4; c.numExpertsPerTok = 2
        c.attnLayerPeriod = 2; c.attnLayerOffset = 0
        let moe = try MoEBlock(RandomWeights(config: c, seed: 11), layer: 1, config: c)
        let context = ComputeContext(threads: 2)
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Float {   // deterministic values in [-1, 1)
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(seed >> 40) / Float(1 << 23) - 1
        }
        for rows in [1, 3, 8] {
            let ws = Workspace(config: c, rows: 16, context: context)
            let x = (0..<(rows * c.hiddenSize)).map { _ in next() }
            let h0 = (0..<(rows * c.hiddenSize)).map { _ in next() }
            var grouped = h0, oneByOne = h0
            context.withEngineKernels { step in
                XCTAssertTrue(moe.groupedFits(rows: rows, ws: ws, context: step))
                moe.forward(x, into: &grouped, rows: rows, ws: ws, context: step)
                moe.forward(x, into: &oneByOne, rows: rows, ws: ws, context: step, grouped: false)
            }
            XCTAssertNotEqual(grouped, h0)
            XCTAssertEqual(grouped, oneByOne, "\(rows) rows")
            // Outside a decode step (prefill), or with more routed rows than the workspace holds,
            // the experts run one by one.
            XCTAssertFalse(moe.groupedFits(rows: rows, ws: ws, context: context))
            let small = Workspace(config: c, rows: rows, context: context)
            context.withEngineKernels { XCTAssertFalse(moe.groupedFits(rows: rows, ws: small, context: $0)) }
        }
    }
}
