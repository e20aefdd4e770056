import Foundation
import XCTest
@testable import JambaTokenizers

/// The loader API other modules use: special token ids, lookups, tokenizer_config.json overrides,
/// sharing between threads.
final class TokenizerAPITests: XCTestCase {
    func testSpecialTokenIdsAndLookups() throws {
        let sp = try loadTokenizer(from: Fixtures.folder("sp_bpe_legacy"))
        XCTAssertEqual(sp.bosTokenId, 1)
        XCTAssertEqual(sp.eosTokenId, 2)
        XCTAssertEqual(sp.tokenId(for: "<s>"), 1)
        XCTAssertEqual(sp.tokenId(for: "<0x0A>"), 3 + 0x0A)
        XCTAssertEqual(sp.token(for: 2), "</s>")
        XCTAssertNil(sp.token(for: -1))
        XCTAssertNil(sp.token(for: sp.vocabularySize))
        XCTAssertNil(sp.tokenId(for: "definitely not a token"))
        XCTAssertEqual(sp.encode("Hello").first, 1, "add_bos_token puts <s> first")

        let gpt2 = try loadTokenizer(from: Fixtures.folder("gpt2_bytelevel"))
        XCTAssertEqual(gpt2.bosTokenId, gpt2.tokenId(for: "<|endoftext|>"))
        XCTAssertEqual(gpt2.eosTokenId, gpt2.tokenId(for: "<|endoftext|>"))
        XCTAssertEqual(gpt2.encode("Hello", addSpecialTokens: true), gpt2.encode("Hello", addSpecialTokens: false))

        let t5 = try loadTokenizer(from: Fixtures.folder("unigram"))
        XCTAssertNil(t5.bosTokenId)
        XCTAssertEqual(t5.eosTokenId, t5.tokenId(for: "</s>"))
        XCTAssertEqual(t5.encode("Hello").last, t5.eosTokenId)
    }

    /// tokenizer_config.json's add_bos_token / add_eos_token override the file's template, as
    /// transformers' Llama-family tokenizers do.
    func testConfigFlagsOverrideThePostProcessor() throws {
        let json = try Data(contentsOf: Fixtures.folder("sp_bpe_legacy").appendingPathComponent("tokenizer.json"))
        let base = try PretrainedTokenizer(tokenizerJSON: json)
        let plain = base.encode("Hello world", addSpecialTokens: false)
        XCTAssertEqual(base.encode("Hello world", addSpecialTokens: true), [1] + plain, "the file's template adds <s>")

        let both = try PretrainedTokenizer(tokenizerJSON: json, configJSON: try Fixtures.data(
            ["bos_token": "<s>", "eos_token": ["content": "</s>", "lstrip": false], "add_bos_token": true,
             "add_eos_token": true]))
        XCTAssertEqual(both.encode("Hello world", addSpecialTokens: true), [1] + plain + [2])
        XCTAssertEqual(both.encode("", addSpecialTokens: true), [1, 2])

        let neither = try PretrainedTokenizer(tokenizerJSON: json, configJSON: try Fixtures.data(
            ["bos_token": "<s>", "add_bos_token": false]))
        XCTAssertEqual(neither.encode("Hello world", addSpecialTokens: true), plain)
        XCTAssertEqual(neither.bosTokenId, 1)
    }

    func testDecodeSkipsUnknownIds() throws {
        let sp = try loadTokenizer(from: Fixtures.folder("sp_bpe_legacy"))
        let ids = sp.encode("Hello world", addSpecialTokens: false)
        XCTAssertEqual(sp.decode([-5] + ids + [sp.vocabularySize, Int.max]), "Hello world")
    }

    /// One tokenizer shared by several threads (its word cache is locked) gives the same ids.
    func testConcurrentEncodingMatchesSerial() throws {
        let tokenizer = try loadTokenizer(from: Fixtures.folder("gpt2_bytelevel"))
        let strings = try Fixtures.expected("gpt2_bytelevel").cases.map(\.text)
        let expected = strings.map { tokenizer.encode($0, addSpecialTokens: false) }
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var ok = true
            for round in 0..<20 {
                for (i, text) in strings.enumerated() where (i + round + worker) % 3 == 0 {
                    ok = ok && tokenizer.encode(text, addSpecialTokens: false) == expected[i]
                }
            }
            results[worker] = ok
        }
        XCTAssertTrue(results.allSatisfy { $0 })
    }

    /// Long inputs: one SentencePiece "word" of 200k characters (no pre-tokenizer splits it) and
    /// a long run without spaces through the byte-level tokenizer.
    func testLongInputs() throws {
        let sp = try loadTokenizer(from: Fixtures.folder("sp_bpe_metaspace"))
        let text = String(repeating: "the quick brown fox, ", count: 10_000)
        let ids = sp.encode(text, addSpecialTokens: false)
        XCTAssertEqual(sp.decode(ids), text)
        let gpt2 = try loadTokenizer(from: Fixtures.folder("gpt2_bytelevel"))
        let run = String(repeating: "abcdefghij", count: 5_000)
        XCTAssertEqual(gpt2.decode(gpt2.encode(run, addSpecialTokens: false)), run)
    }
}
