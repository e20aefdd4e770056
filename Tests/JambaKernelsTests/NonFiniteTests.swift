import XCTest
@testable import JambaKernels

/// The vectorised NaN/Inf scan against a plain loop, at every length around the 16-lane blocks.
final class NonFiniteTests: XCTestCase {
    func testCountAndFirstMatchAPlainLoop() {
        let specials: [Float] = [.nan, .infinity, -.infinity, -.nan, Float(bitPattern: 0x7F80_0001)]
        var seed: UInt64 = 7
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        for n in [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000] {
            for trial in 0..<20 {
                var v = (0..<n).map { Float($0) * 1e30 - 3 }   // large but finite (and Float.greatestFiniteMagnitude below)
                if n > 0 { v[n - 1] = .greatestFiniteMagnitude }
                let hits = trial == 0 ? 0 : Int(next() % 4)
                for _ in 0..<hits where n > 0 { v[Int(next()) % n] = specials[Int(next()) % specials.count] }
                let expectedCount = v.filter { !$0.isFinite }.count
                let expectedFirst = v.firstIndex { !$0.isFinite }
                v.withUnsafeBufferPointer { p in
                    let base = p.baseAddress ?? UnsafePointer(bitPattern: 64)!
                    XCTAssertEqual(NonFinite.count(base, n), expectedCount, "n \(n) trial \(trial)")
                    XCTAssertEqual(NonFinite.first(base, n), expectedFirst, "n \(n) trial \(trial)")
                    XCTAssertEqual(NonFinite.allFinite(base, n), expectedCount == 0)
                }
            }
        }
    }
}
