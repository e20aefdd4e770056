import XCTest
@testable import JambaReport

/// State sizes and the longest context in memory, for caches that grow and for a sliding window.
final class ModelInfoTests: XCTestCase {
    func info(window: Int?) -> ModelInfo {
        ModelInfo(name: "m", source: "config m.json, seed 0", parametersTotal: 1000, parametersActive: 1000, baseline: false,
                  fixedStateBytes: 50, kvBytesPerToken: 100, attentionWindow: window)
    }

    func testGrowingCacheHasALongestContext() {
        let m = info(window: nil)
        XCTAssertEqual(m.stateBytes(context: 1000), 50 + 100 * 1000)
        XCTAssertTrue(m.stateGrows)
        XCTAssertEqual(MemoryUsage.maxContext(m, memoryBytes: 4000 + 50 + 100 * 7), 7)
    }

    func testSlidingWindowCacheStopsGrowing() throws {
        let m = info(window: 10)
        XCTAssertEqual(m.stateBytes(context: 5), 50 + 100 * 5)
        XCTAssertEqual(m.stateBytes(context: 1000), 50 + 100 * 20, "at most 2W rows are held")
        XCTAssertFalse(m.stateGrows)
        XCTAssertNil(MemoryUsage.maxContext(m, memoryBytes: 1 << 30))
        // The window survives results.json, and files without it still load.
        let again = try JSONDecoder().decode(ModelInfo.self, from: try JSONEncoder().encode(m))
        XCTAssertEqual(again.attentionWindow, 10)
        let old = #"{"name": "m", "source": "s", "parameters_total": 1, "parameters_active": 1, "baseline": false, "fixed_state_bytes": 0, "kv_bytes_per_token": 8}"#
        XCTAssertNil(try JSONDecoder().decode(ModelInfo.self, from: Data(old.utf8)).attentionWindow)
    }

    /// BF16 weights count 2 bytes per matrix element in the memory tables; files from before the
    /// field count 4 bytes per parameter.
    func testWeightBytesAreTheHeldOnesAndOldFilesFallBack() throws {
        var m = info(window: nil)
        XCTAssertEqual(m.weightBytes, 4000)
        m.weightBytesHeld = 2100
        XCTAssertEqual(m.weightBytes, 2100)
        XCTAssertEqual(MemoryUsage.maxContext(m, memoryBytes: 2100 + 50 + 100 * 7), 7)
        let again = try JSONDecoder().decode(ModelInfo.self, from: try JSONEncoder().encode(m))
        XCTAssertEqual(again.weightBytes, 2100)
        let old = #"{"name": "m", "source": "s", "parameters_total": 3, "parameters_active": 3, "baseline": false, "fixed_state_bytes": 0, "kv_bytes_per_token": 8}"#
        XCTAssertEqual(try JSONDecoder().decode(ModelInfo.self, from: Data(old.utf8)).weightBytes, 12)
    }
}
