import XCTest
import JambaData

/// Replays the committed fuzz corpus of the zstd target and every input that ever crashed it
/// (Tests/Fuzz/corpus/zstd, Tests/Fuzz/crashes/zstd) through the code the libFuzzer target runs.
/// A regression traps here, in CI, without libFuzzer.
final class ZstdFuzzCorpusTests: XCTestCase {
    func testCorpusAndCrashesReplay() throws {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")
        var replayed = 0
        for folder in ["corpus", "crashes"] {
            let dir = fuzz.appendingPathComponent("\(folder)/zstd")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
                bytes.withUnsafeBytes { input in DataFuzz.taskFile(input, scratch: NSTemporaryDirectory() + "/fuzz-replay-\(getpid()).jsonl") }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "no corpus for zstd")
    }
}
