import XCTest
@testable import JambaKernels

/// The last-level cache size the bandwidth calibration is sized from: sysfs's notation, the
/// cache sysfs lists as largest (never an instruction cache), and CPUID's descriptors.
final class LastLevelCacheTests: XCTestCase {
    func testSizes() throws {
        XCTAssertEqual(LastLevelCache.parseSize("32768K"), 32 << 20)
        XCTAssertEqual(LastLevelCache.parseSize("260M\n"), 260 << 20)
        XCTAssertEqual(LastLevelCache.parseSize("4096"), 4096)
        XCTAssertNil(LastLevelCache.parseSize("big"))
        XCTAssertNil(LastLevelCache.parseSize(""))
        // A sysfs tree: the largest data or unified cache, never an instruction cache.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (i, type, size) in [(0, "Data", "48K"), (1, "Instruction", "999M"), (2, "Unified", "2048K"), (3, "Unified", "266240K")] {
            let dir = root.appendingPathComponent("index\(i)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try "\(type)\n".write(to: dir.appendingPathComponent("type"), atomically: true, encoding: .utf8)
            try "\(size)\n".write(to: dir.appendingPathComponent("size"), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(LastLevelCache.fromSysfs(root: root.path), 260 << 20)
        XCTAssertNil(LastLevelCache.fromSysfs(root: root.appendingPathComponent("absent").path))
        // CPUID descriptor: unified level 3, 16 ways, 1 partition, 64-byte lines, 32768 sets = 32 MiB.
        let eax: UInt32 = 3 | 3 << 5, ebx: UInt32 = 15 << 22 | 0 << 12 | 63
        XCTAssertEqual(LastLevelCache.descriptorSize(eax: eax, ebx: ebx, ecx: 32767), 32 << 20)
        XCTAssertEqual(LastLevelCache.descriptorSize(eax: 2 | 1 << 5, ebx: ebx, ecx: 63), 0)
        XCTAssertNil(LastLevelCache.descriptorSize(eax: 0, ebx: 0, ecx: 0))
    }
}
