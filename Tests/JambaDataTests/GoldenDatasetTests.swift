import Foundation
import XCTest
@testable import JambaData

/// Pins the generators' output: Tests/Fixtures/data/golden_generators.jsonl.zst holds records made
/// by this code, and regenerating them must give the same JSON bytes. A failure means a change to
/// a generator (or to SeededRandom, the word lists or the templates) that alters every dataset
/// made with a given seed. If the change is intended, rewrite the file with
/// `JAMBADATA_WRITE_GOLDEN=1 swift test --filter GoldenDatasetTests` and regenerate datasets/.
/// (Records are compared, not .zst bytes: another zstd version may compress differently.)
final class GoldenDatasetTests: XCTestCase {
    private func records() throws -> [TaskRecord] {
        let words = WordTokenCounter()
        var out: [TaskRecord] = []
        let niah: [NIAHConfiguration] = [
            NIAHConfiguration(variant: .single, haystack: .noise),
            NIAHConfiguration(variant: .multikey, haystack: .essay, keys: 3),
            NIAHConfiguration(variant: .multikey, haystack: .needles, valueKind: .uuid, keys: 1),
            NIAHConfiguration(variant: .multivalue, haystack: .essay, valueKind: .uuid, values: 2),
            NIAHConfiguration(variant: .multiquery, haystack: .essay, queries: 2),
        ]
        for config in niah {
            let g = try NIAHGenerator(configuration: config, counter: words)
            for depth in [0.0, 0.5, 1.0] { out.append(try g.record(length: 384, depth: depth, sample: 0, seed: 2024)) }
        }
        let vt = try VariableTrackingGenerator(configuration: VariableTrackingConfiguration(chains: 2, hops: 2, haystack: .essay), counter: words)
        out.append(try vt.record(length: 384, sample: 0, seed: 2024))
        let kv = KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 128, firstId: 3, pairs: 8, queries: 6))
        out.append(try kv.record(length: 64, sample: 0, seed: 2024))
        return out
    }

    func testGeneratorsMatchTheGoldenFile() throws {
        let path = TestFiles.fixtures.appendingPathComponent("golden_generators.jsonl.zst").path
        let fresh = try records()
        if ProcessInfo.processInfo.environment["JAMBADATA_WRITE_GOLDEN"] == "1" {
            let w = try TaskWriter(path: path, level: 19)
            for r in fresh { try w.write(r) }
            try w.close()
        }
        let golden = try TaskReader.readAll(path: path)
        XCTAssertEqual(golden.count, fresh.count)
        for (g, f) in zip(golden, fresh) {
            XCTAssertEqual(String(decoding: f.jsonLine(), as: UTF8.self), String(decoding: g.jsonLine(), as: UTF8.self), f.id)
        }
    }
}
