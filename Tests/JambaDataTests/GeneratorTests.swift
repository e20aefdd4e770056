import Foundation
import XCTest
@testable import JambaData

final class GeneratorTests: XCTestCase {
    let words = WordTokenCounter()
    let chars = CharacterTokenCounter()

    private let variants: [NIAHConfiguration] = [
        NIAHConfiguration(variant: .single, haystack: .noise),
        NIAHConfiguration(variant: .single, haystack: .essay),
        NIAHConfiguration(variant: .single, haystack: .essay, valueKind: .uuid),
        NIAHConfiguration(variant: .multikey, haystack: .essay, keys: 4),
        NIAHConfiguration(variant: .multikey, haystack: .needles, keys: 1),
        NIAHConfiguration(variant: .multikey, haystack: .needles, valueKind: .uuid, keys: 1),
        NIAHConfiguration(variant: .multivalue, haystack: .essay, values: 4),
        NIAHConfiguration(variant: .multiquery, haystack: .noise, valueKind: .uuid, queries: 3),
    ]

    func testNIAHLengthsAreRealAndWithinTwoPercent() throws {
        for counter in [words, chars] as [TokenCounter] {
            for config in variants {
                let g = try NIAHGenerator(configuration: config, counter: counter)
                for length in [1024, 4096] {
                    for depth in [0.0, 0.37, 1.0] {
                        let r = try g.record(length: length, depth: depth, sample: 0, seed: 3)
                        let stated = try XCTUnwrap(r.length)
                        let real = counter.count(try XCTUnwrap(r.prompt)) + (r.maxNewTokens ?? 0)
                        let where_ = "\(config.task)/\(config.haystack)/\(config.valueKind) \(type(of: counter)) \(length) d\(depth)"
                        XCTAssertEqual(stated, real, where_)
                        XCTAssertLessThanOrEqual(stated, length, where_)
                        XCTAssertGreaterThanOrEqual(Double(stated), 0.98 * Double(length), where_)
                        // Every answer is in the prompt, inside its needle.
                        for value in r.outputs {
                            XCTAssertTrue(r.input!.contains("is: \(value)."), "\(where_): needle for \(value)")
                        }
                        XCTAssertEqual(r.outputs.count, config.answerCount)
                        XCTAssertEqual(r.depth, depth)
                        XCTAssertTrue(r.answerPrefix!.hasPrefix(" "))
                        XCTAssertEqual(r.metric, "string_match_all")
                    }
                }
            }
        }
    }

    /// The needle answered first sits at the stated depth, within one haystack sentence, measured
    /// in tokens of haystack before it (the counter is additive over whitespace, so exact).
    func testNeedleSitsAtTheStatedDepth() throws {
        for config in variants where config.haystack != .needles {
            let g = try NIAHGenerator(configuration: config, counter: words)
            for depth in stride(from: 0.0, through: 1.0, by: 0.1) {
                let r = try g.record(length: 2048, depth: depth, sample: 1, seed: 11)
                let input = r.input!
                let contextStart = input.range(of: "\n")!.upperBound
                let contextEnd = input.range(of: "\nWhat are all", options: .backwards)!.lowerBound
                let context = String(input[contextStart..<contextEnd])
                let needles = needleSentences(in: context)
                let target = try XCTUnwrap(needles.first { context[$0].contains("is: \(r.outputs[0]).") })
                let needleTokens = { (ranges: [Range<String.Index>]) in ranges.reduce(0) { $0 + self.words.count(String(context[$1])) } }
                let before = words.count(String(context[..<target.lowerBound])) - needleTokens(needles.filter { $0.upperBound <= target.lowerBound })
                let haystack = words.count(context) - needleTokens(needles)
                var plain = context
                for n in needles.reversed() { plain.removeSubrange(n) }
                let longest = plain.components(separatedBy: CharacterSet(charactersIn: ".?!")).map { words.count($0) + 1 }.max()!
                XCTAssertLessThanOrEqual(abs(Double(before) - depth * Double(haystack)), Double(longest),
                                         "\(config.task)/\(config.haystack) depth \(depth): \(before) of \(haystack) tokens")
                // The needle is between sentences: what precedes it ends a sentence.
                let head = context[..<target.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
                XCTAssertTrue(head.isEmpty || ".?!".contains(head.last!), "\(config.task) depth \(depth)")
            }
        }
    }

    func testNeedlesHaystackPutsTheNeedleAtTheStatedLine() throws {
        let g = try NIAHGenerator(configuration: NIAHConfiguration(variant: .multikey, haystack: .needles, keys: 1), counter: words)
        for depth in [0.0, 0.25, 0.5, 0.9, 1.0] {
            let r = try g.record(length: 4096, depth: depth, sample: 0, seed: 5)
            let lines = r.input!.components(separatedBy: "\n").filter { $0.hasPrefix("A special magic") }
            let index = try XCTUnwrap(lines.firstIndex { $0.contains("is: \(r.outputs[0]).") })
            XCTAssertLessThanOrEqual(abs(Double(index) - depth * Double(lines.count - 1)), 1.5, "depth \(depth)")
            // The queried key is asked once and appears in exactly one needle.
            let key = lines[index].components(separatedBy: " ")[5]
            XCTAssertEqual(lines.filter { $0.contains(" \(key) is:") }.count, 1)
        }
    }

    private func needleSentences(in text: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var searchFrom = text.startIndex
        while let start = text.range(of: "A special magic ", range: searchFrom..<text.endIndex) {
            let isRange = text.range(of: " is: ", range: start.upperBound..<text.endIndex)!
            let end = text.range(of: ".", range: isRange.upperBound..<text.endIndex)!
            out.append(start.lowerBound..<end.upperBound)
            searchFrom = end.upperBound
        }
        return out
    }

    func testSameSeedSameBytesAndRecordsIndependentOfTheGrid() throws {
        let dir = try TestFiles.temporaryDirectory(for: self)
        func generate(_ name: String, seed: UInt64, lengths: [Int]) throws -> [UInt8] {
            let path = dir.appendingPathComponent(name).path
            let niah = try NIAHGenerator(configuration: NIAHConfiguration(variant: .multikey, haystack: .essay), counter: words)
            _ = try DatasetGenerator.write(to: path, level: 3, lengths: lengths, depths: [0, 0.5, 1], samples: 2) { l, d, s in
                try niah.record(length: l, depth: d!, sample: s, seed: seed)
            }
            return try TestFiles.read(path)
        }
        let a = try generate("a.jsonl.zst", seed: 1, lengths: [1024, 2048])
        let b = try generate("b.jsonl.zst", seed: 1, lengths: [1024, 2048])
        let c = try generate("c.jsonl.zst", seed: 2, lengths: [1024, 2048])
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)

        // A record depends only on its coordinates, not on what else is in the file.
        let big = try TaskReader.readAll(path: dir.appendingPathComponent("a.jsonl.zst").path)
        _ = try generate("d.jsonl.zst", seed: 1, lengths: [2048])
        let small = try TaskReader.readAll(path: dir.appendingPathComponent("d.jsonl.zst").path)
        XCTAssertEqual(Array(big.suffix(6)), small)

        // Variable tracking and kv_recall too.
        let vt = try VariableTrackingGenerator(configuration: VariableTrackingConfiguration(chains: 2, hops: 3), counter: words)
        XCTAssertEqual(try vt.record(length: 1024, sample: 4, seed: 9).jsonLine(), try vt.record(length: 1024, sample: 4, seed: 9).jsonLine())
        XCTAssertNotEqual(try vt.record(length: 1024, sample: 4, seed: 9).jsonLine(), try vt.record(length: 1024, sample: 5, seed: 9).jsonLine())
        let kv = KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 256, pairs: 16))
        XCTAssertEqual(try kv.record(length: 256, sample: 0, seed: 1), try kv.record(length: 256, sample: 0, seed: 1))
    }

    func testVariableTracking() throws {
        for counter in [words, chars] as [TokenCounter] {
            for (chains, hops) in [(1, 4), (3, 2), (2, 0)] {
                for haystack in [HaystackKind.noise, .essay] {
                    let g = try VariableTrackingGenerator(
                        configuration: VariableTrackingConfiguration(chains: chains, hops: hops, haystack: haystack), counter: counter)
                    let r = try g.record(length: 2048, sample: 0, seed: 1)
                    let input = r.input!
                    XCTAssertEqual(r.outputs.count, hops + 1)
                    XCTAssertLessThanOrEqual(r.length!, 2048)
                    XCTAssertGreaterThanOrEqual(r.length!, 2007)
                    XCTAssertEqual(r.length!, counter.count(r.prompt!) + r.maxNewTokens!)
                    // The chain is in order: VAR A = value, then VAR B = VAR A, …
                    let first = try XCTUnwrap(input.range(of: "VAR \(r.outputs[0]) = "))
                    let value = input[first.upperBound...].prefix(5)
                    XCTAssertTrue(input.contains("value \(value) in the text above"))
                    var last = first.lowerBound
                    for (prev, v) in zip(r.outputs, r.outputs.dropFirst()) {
                        let s = try XCTUnwrap(input.range(of: "VAR \(v) = VAR \(prev)."))
                        XCTAssertLessThan(last, s.lowerBound)
                        last = s.lowerBound
                    }
                    XCTAssertEqual(input.components(separatedBy: "VAR ").count - 1, chains * (hops + 1) + chains * hops)
                }
            }
        }
    }

    func testKVRecall() throws {
        let config = KVRecallConfiguration(vocabulary: 512, firstId: 100, pairs: 32, queries: 20)
        let g = KVRecallGenerator(configuration: config)
        for length in [104, 256, 1000] {
            let r = try g.record(length: length, sample: 3, seed: 42)
            let ids = try XCTUnwrap(r.inputIds)
            XCTAssertEqual(ids.count, length)
            XCTAssertEqual(r.length, length)
            XCTAssertTrue(ids.allSatisfy { (100..<612).contains($0) })
            var pairs: [Int: Int] = [:]
            for i in 0..<32 {
                XCTAssertTrue((101..<356).contains(ids[2 * i]), "key from the lower half")
                XCTAssertTrue((356..<612).contains(ids[2 * i + 1]), "value from the upper half")
                XCTAssertNil(pairs[ids[2 * i]], "keys are distinct")
                pairs[ids[2 * i]] = ids[2 * i + 1]
            }
            XCTAssertEqual(Set(pairs.values).count, 32, "values are distinct")
            let positions = try XCTUnwrap(r.positions)
            XCTAssertEqual(positions.count, 20)
            XCTAssertEqual(Set(positions.map { ids[$0.position] }).count, 20, "each key queried once")
            for p in positions {
                XCTAssertGreaterThanOrEqual(p.position, 64)
                XCTAssertEqual(pairs[ids[p.position]], p.target)
                XCTAssertEqual(ids[p.position + 1], p.target)
            }
            XCTAssertEqual(r.metric, "positions_accuracy")
        }
        XCTAssertNotNil(TestFiles.dataError { _ = try g.record(length: 100, sample: 0, seed: 0) })
        XCTAssertNotNil(TestFiles.dataError { _ = try KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 16, pairs: 10)).record(length: 100, sample: 0, seed: 0) })
    }

    func testKVRecallNeedleLayout() throws {
        // 4 pairs (one queried) at a depth of a filler haystack; the query closes the record.
        let g = KVRecallGenerator(configuration: KVRecallConfiguration(vocabulary: 256, firstId: 4, pairs: 4, queries: 1))
        for length in [64, 256] {
            var offsets: [Int] = []
            for depth in [0.0, 0.25, 0.5, 1.0] {
                let r = try g.needleRecord(length: length, depth: depth, sample: 1, seed: 9)
                let ids = try XCTUnwrap(r.inputIds)
                XCTAssertEqual(ids.count, length)
                XCTAssertEqual(r.depth, depth)
                XCTAssertEqual(r.id, "kv_recall/\(length)/\(DepthGrid.label(depth))/1")
                // Exactly 8 block tokens + 2 query tokens are not filler, and the block is contiguous.
                let nonFiller = ids.indices.filter { ids[$0] != 4 }
                XCTAssertEqual(nonFiller.count, 10)
                let start = nonFiller[0]
                XCTAssertEqual(Array(nonFiller.prefix(8)), Array(start..<start + 8))
                XCTAssertEqual(start % 2, 0)
                XCTAssertEqual(start, Int(depth * Double(length - 2 - 8)) & ~1)
                offsets.append(start)
                let p = try XCTUnwrap(r.positions?.first)
                XCTAssertEqual(p.position, length - 2)
                // The target is the value that followed the queried key in the block.
                let k = (0..<4).first { ids[start + 2 * $0] == ids[p.position] }
                XCTAssertEqual(ids[start + 2 * (try XCTUnwrap(k)) + 1], p.target)
                XCTAssertEqual(ids[length - 1], p.target)
                XCTAssertEqual(try g.needleRecord(length: length, depth: depth, sample: 1, seed: 9).inputIds, ids, "same seed, same record")
            }
            XCTAssertEqual(offsets.first, 0)
            XCTAssertEqual(offsets.last, length - 10, "depth 1 ends right before the query")
            XCTAssertEqual(offsets, offsets.sorted())
        }
        // An odd filler room: depth 1 leaves one filler token before the query, never overlaps it.
        let odd = try g.needleRecord(length: 65, depth: 1, sample: 0, seed: 9)
        let ids = try XCTUnwrap(odd.inputIds)
        XCTAssertEqual(ids.count, 65)
        XCTAssertEqual(Array(ids[54..<62]).filter { $0 == 4 }, [], "block at 54..<62")
        XCTAssertEqual(ids[62], 4)
        XCTAssertEqual(odd.positions?.first?.position, 63)
        XCTAssertNotNil(TestFiles.dataError { _ = try g.needleRecord(length: 64, depth: 1.5, sample: 0, seed: 0) })
    }

    func testTooSmallAContextIsATypedError() throws {
        let g = try NIAHGenerator(configuration: NIAHConfiguration(), counter: words)
        let e = TestFiles.dataError { _ = try g.record(length: 40, depth: 0.5, sample: 0, seed: 0) }
        guard case let .doesNotFit(task, requested, minimum)? = e else { return XCTFail("got \(String(describing: e))") }
        XCTAssertEqual(task, "niah_single")
        XCTAssertEqual(requested, 40)
        XCTAssertGreaterThan(minimum, 40)
    }

    func testDepthGrid() throws {
        XCTAssertEqual(try DepthGrid.parse("0:100:11"), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(try DepthGrid.parse("0, 25,100"), [0, 0.25, 1])
        XCTAssertEqual(try DepthGrid.parse("50:50:1"), [0.5])
        XCTAssertNotNil(TestFiles.dataError { _ = try DepthGrid.parse("0:200:3") })
        XCTAssertNotNil(TestFiles.dataError { _ = try DepthGrid.parse("a,b") })
        XCTAssertEqual(DepthGrid.label(0.25), "25")
        XCTAssertEqual(DepthGrid.label(1.0 / 11.0), "9.09")
    }

    func testSeededRandomIsStable() {
        // Pinned values: if these change, every generated dataset changes.
        var r = SeededRandom(seed: 0)
        XCTAssertEqual([r.next(), r.next()], [r0, r1])
        var s = SeededRandom(seed: 123, labels: ["niah_single", "4096"])
        let picks = (0..<5).map { _ in s.below(10) }
        XCTAssertEqual(picks, pinnedPicks)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

// Pinned outputs of SeededRandom: xoshiro256** seeded by SplitMix64 (seed 0), and bounded draws.
private let r0: UInt64 = 11_091_344_671_253_066_420
private let r1: UInt64 = 13_793_997_310_169_335_082
private let pinnedPicks: [Int] = [3, 6, 2, 2, 3]
