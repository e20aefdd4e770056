import Foundation
import XCTest
@testable import JambaTokenizers

/// Every committed string, through every fixture tokenizer, must give exactly the ids and text
/// that the Python `tokenizers` package recorded in cases.json.
final class FixtureEquivalenceTests: XCTestCase {
    func check(_ name: String) throws {
        let expected = try Fixtures.expected(name)
        try FixtureEquivalenceTests.check(name, try Fixtures.tokenizer(name), expected)
        XCTAssertGreaterThanOrEqual(expected.cases.count, 100)
    }

    static func check(_ name: String, _ tokenizer: PretrainedTokenizer, _ expected: Fixtures.Expected) throws {
        XCTAssertEqual(tokenizer.vocabularySize, expected.vocab_size, "\(name): vocabulary size")
        var failures = 0
        for item in expected.cases {
            let label = "\(name) \"\(visible(item.text))\""
            let plain = tokenizer.encode(item.text, addSpecialTokens: false)
            let withSpecial = tokenizer.encode(item.text, addSpecialTokens: true)
            if plain != item.ids_plain {
                failures += 1
                XCTFail("\(label): ids without special tokens differ: \(FixtureEquivalenceTests.difference(plain, item.ids_plain, tokenizer))")
            }
            XCTAssertEqual(withSpecial, item.ids, "\(label): ids with special tokens")
            // Round trip: decoding our own ids gives the text tokenizers decodes from its ids.
            XCTAssertEqual(tokenizer.decode(plain, skipSpecialTokens: false), item.decoded,
                           "\(label): decoded text")
            XCTAssertEqual(tokenizer.decode(withSpecial, skipSpecialTokens: true), item.decoded_skip_special,
                           "\(label): decoded text, special tokens skipped")
        }
        for item in expected.decodes {
            XCTAssertEqual(tokenizer.decode(item.ids, skipSpecialTokens: false), item.text,
                           "\(name): decode \(item.ids)")
            XCTAssertEqual(tokenizer.decode(item.ids, skipSpecialTokens: true), item.text_skip_special,
                           "\(name): decode \(item.ids), special tokens skipped")
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) of \(expected.cases.count) strings differ")
    }

    /// Where two id lists part, with the tokens around that point.
    static func difference(_ got: [Int], _ expected: [Int], _ tokenizer: PretrainedTokenizer) -> String {
        let at = zip(got, expected).prefix { $0 == $1 }.count
        func show(_ ids: [Int]) -> String {
            ids[max(0, at - 2)..<min(ids.count, at + 4)].map { "\($0):\(visible(tokenizer.token(for: $0) ?? "?"))" }
                .joined(separator: " ")
        }
        return "at token \(at): got [\(show(got))], expected [\(show(expected))]"
    }

    func testSentencePieceBPELegacy() throws { try check("sp_bpe_legacy") }
    func testSentencePieceBPEMetaspace() throws { try check("sp_bpe_metaspace") }
    func testGPT2ByteLevel() throws { try check("gpt2_bytelevel") }
    func testLlama3StyleSplitByteLevel() throws { try check("llama3_bytelevel_split") }
    func testWordLevel() throws { try check("wordlevel") }
    func testUnigram() throws { try check("unigram") }

    /// Where the Python tokenizer reproduces the input exactly, ours must too (plain strings
    /// through the byte-level and SentencePiece fixtures are lossless).
    func testLosslessRoundTrip() throws {
        for name in ["gpt2_bytelevel", "llama3_bytelevel_split", "sp_bpe_legacy"] {
            let tokenizer = try Fixtures.tokenizer(name)
            for item in try Fixtures.expected(name).cases where item.decoded == item.text {
                XCTAssertEqual(tokenizer.decode(tokenizer.encode(item.text, addSpecialTokens: false)), item.text,
                               "\(name): round trip of \"\(visible(item.text))\"")
            }
        }
    }

    /// The larger throwaway comparison of tools/reference/tokenizers/stress.py, when its output
    /// folder is given in TOKENIZER_STRESS_DIR.
    func testStressCorpusWhenGiven() throws {
        guard let folder = ProcessInfo.processInfo.environment["TOKENIZER_STRESS_DIR"] else {
            throw XCTSkip("TOKENIZER_STRESS_DIR not set")
        }
        for name in Fixtures.names {
            let url = URL(fileURLWithPath: folder).appendingPathComponent("\(name).json")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let data = try Data(contentsOf: url)
            let expected = try JSONDecoder().decode(Fixtures.Expected.self, from: data)
            try FixtureEquivalenceTests.check(name, try Fixtures.tokenizer(name), expected)
        }
    }

    func testStringsFileMatchesCases() throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("strings.json"))
        let strings = try JSONDecoder().decode([String].self, from: data)
        for name in Fixtures.names {
            XCTAssertEqual(try Fixtures.expected(name).cases.map(\.text), strings, name)
        }
    }
}
