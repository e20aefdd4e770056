import XCTest
import JambaModels

/// Replays the committed fuzz corpus of the config target and every input that ever crashed it
/// (Tests/Fuzz/corpus/config, Tests/Fuzz/crashes/config) through the code the libFuzzer target runs.
/// A regression traps here, in CI, without libFuzzer.
final class ConfigFuzzCorpusTests: XCTestCase {
    func testCorpusAndCrashesReplay() throws {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")
        var replayed = 0
        for folder in ["corpus", "crashes"] {
            let dir = fuzz.appendingPathComponent("\(folder)/config")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
                bytes.withUnsafeBytes { input in ConfigFuzz.config(input) }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "no corpus for config")
    }
}
