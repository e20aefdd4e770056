import XCTest
import JambaData

/// Replays the committed fuzz corpus of the jsonl target and every input that ever crashed it
/// (Tests/Fuzz/corpus/jsonl, Tests/Fuzz/crashes/jsonl) through the code the libFuzzer target runs.
/// A regression traps here, in CI, without libFuzzer.
final class JSONLFuzzCorpusTests: XCTestCase {
    func testCorpusAndCrashesReplay() throws {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")
        var replayed = 0
        for folder in ["corpus", "crashes"] {
            let dir = fuzz.appendingPathComponent("\(folder)/jsonl")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
                bytes.withUnsafeBytes { input in DataFuzz.record(input) }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "no corpus for jsonl")
    }
}
