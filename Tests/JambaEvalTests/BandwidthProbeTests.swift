import XCTest
@testable import JambaEval
import JambaKernels

/// The bandwidth calibration is sized from the machine so that it reads DRAM, not cache.
final class BandwidthProbeTests: XCTestCase {
    func testSizeIsSeveralTimesTheLastLevelCacheAndAtLeastOneGiB() {
        let mib = 1 << 20
        XCTAssertEqual(BandwidthProbe.size(lastLevelCache: nil), 1024 * mib)
        XCTAssertEqual(BandwidthProbe.size(lastLevelCache: 32 * mib), 1024 * mib)       // the AMD EPYC here
        XCTAssertEqual(BandwidthProbe.size(lastLevelCache: 260 * mib), 1040 * mib)      // the Intel Xeon's L3
        XCTAssertEqual(BandwidthProbe.size(lastLevelCache: 257 * mib), 1040 * mib)      // rounded up to 16 MiB
        XCTAssertEqual(BandwidthProbe.size(lastLevelCache: 8 << 30), 4096 * mib)        // capped
    }

    func testMeasuresTheBytesItHolds() {
        // A small probe (the size rule is above): the rate is bytes over time, positive and finite.
        let probe = BandwidthProbe(bytes: 16 << 20, context: ComputeContext(threads: 1))
        XCTAssertEqual(probe.bytes, 16 << 20)
        let rate = probe.measure(repeats: 2)
        XCTAssertTrue(rate.isFinite && rate > 0)
    }
}
