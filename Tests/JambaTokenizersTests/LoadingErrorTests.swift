import Foundation
import XCTest
import JambaSupport
@testable import JambaTokenizers

/// A tokenizer.json this module cannot reproduce exactly must be refused with an error that
/// names the component, and broken files must give typed errors, never a crash.
final class LoadingErrorTests: XCTestCase {
    private func load(_ json: [String: Any], config: [String: Any]? = nil) throws -> PretrainedTokenizer {
        try PretrainedTokenizer(tokenizerJSON: try Fixtures.data(json), configJSON: try config.map(Fixtures.data))
    }

    private func assertError(_ json: [String: Any], config: [String: Any]? = nil, mentions words: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(json, config: config), file: file, line: line) { error in
            XCTAssertTrue(error is TokenizerError, "\(error)", file: file, line: line)
            let message = "\(error)"
            for word in words {
                XCTAssertTrue(message.contains(word), "\"\(message)\" should mention \(word)", file: file, line: line)
            }
        }
    }

    func testUnknownModelTypeIsNamed() throws {
        var json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        var model = json["model"] as! [String: Any]
        model["type"] = "WordPieceDeluxe"
        json["model"] = model
        assertError(json, mentions: ["tokenizer.json", "model.type", "WordPieceDeluxe", "not supported", "BPE"])
    }

    func testUnknownPreTokenizerTypeIsNamed() throws {
        var json = try Fixtures.tokenizerJSON("gpt2_bytelevel")
        json["pre_tokenizer"] = ["type": "UnicodeScripts"]
        assertError(json, mentions: ["pre_tokenizer.type", "UnicodeScripts", "not supported"])
    }

    func testUnknownTypeInsideASequenceNamesItsPlace() throws {
        var json = try Fixtures.tokenizerJSON("llama3_bytelevel_split")
        json["pre_tokenizer"] = ["type": "Sequence",
                                 "pretokenizers": [["type": "Digits", "individual_digits": true],
                                                   ["type": "FixedLength", "length": 5]]]
        assertError(json, mentions: ["pre_tokenizer.pretokenizers[1].type", "FixedLength"])
    }

    func testUnknownNormalizerDecoderAndPostProcessorAreNamed() throws {
        var json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        json["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": "AAAA"]
        assertError(json, mentions: ["normalizer.type", "Precompiled"])

        json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        json["decoder"] = ["type": "CTC", "pad_token": "<pad>"]
        assertError(json, mentions: ["decoder.type", "CTC"])

        json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        json["post_processor"] = ["type": "SomethingNew"]
        assertError(json, mentions: ["post_processor.type", "SomethingNew"])
    }

    func testMissingAndMistypedFields() throws {
        var json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        json.removeValue(forKey: "model")
        assertError(json, mentions: ["missing", "model"])

        json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        var model = json["model"] as! [String: Any]
        model["vocab"] = [1, 2, 3]
        json["model"] = model
        assertError(json, mentions: ["model.vocab", "an object"])

        json = try Fixtures.tokenizerJSON("sp_bpe_metaspace")
        json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "ab", "prepend_scheme": "first"]
        assertError(json, mentions: ["pre_tokenizer.replacement", "one character"])

        json = try Fixtures.tokenizerJSON("sp_bpe_metaspace")
        json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes"]
        assertError(json, mentions: ["prepend_scheme", "sometimes"])

        json = try Fixtures.tokenizerJSON("llama3_bytelevel_split")
        json["pre_tokenizer"] = ["type": "Split", "pattern": ["Regex": "(unclosed"], "behavior": "Isolated"]
        assertError(json, mentions: ["pre_tokenizer.pattern.Regex", "(unclosed"])
    }

    func testMergeWithTokenOutsideTheVocabulary() throws {
        var json = try Fixtures.tokenizerJSON("gpt2_bytelevel")
        var model = json["model"] as! [String: Any]
        model["merges"] = [["Ġ", "t"], ["nope", "t"]]
        json["model"] = model
        assertError(json, mentions: ["model.merges[1]", "nope"])
    }

    func testUnknownTokenMissingFromVocabulary() throws {
        var json = try Fixtures.tokenizerJSON("wordlevel")
        var model = json["model"] as! [String: Any]
        model["unk_token"] = "<missing>"
        json["model"] = model
        assertError(json, mentions: ["model.unk_token", "<missing>"])
    }

    func testHugeTokenIdIsRefused() throws {
        var json = try Fixtures.tokenizerJSON("wordlevel")
        var model = json["model"] as! [String: Any]
        var vocab = model["vocab"] as! [String: Any]
        vocab["far"] = 2_000_000_000
        model["vocab"] = vocab
        json["model"] = model
        assertError(json, mentions: ["model.vocab", "2000000000"])
    }

    func testBPEDropoutIsRefused() throws {
        var json = try Fixtures.tokenizerJSON("gpt2_bytelevel")
        var model = json["model"] as! [String: Any]
        model["dropout"] = 0.1
        json["model"] = model
        assertError(json, mentions: ["model.dropout"])
    }

    func testConfigNamingAnUnknownToken() throws {
        let json = try Fixtures.tokenizerJSON("sp_bpe_legacy")
        assertError(json, config: ["bos_token": "<nothing>"], mentions: ["tokenizer_config.json", "bos_token", "<nothing>"])
    }

    func testMissingFolderAndFile() {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-such-model-\(UUID())")
        XCTAssertThrowsError(try loadTokenizer(from: folder)) { error in
            XCTAssertTrue("\(error)".contains("tokenizer.json"), "\(error)")
        }
    }

    func testInvalidJSONNamesTheByteOffset() {
        for text in ["", "{", "{\"model\": }", "[1, 2]", "{\"a\": \"\\u12\"}", "{\"a\": tru}", "{} x"] {
            XCTAssertThrowsError(try PretrainedTokenizer(tokenizerJSON: Data(text.utf8)), text) { error in
                guard case TokenizerError.invalidJSON(let file, _) = error else {
                    return XCTFail("\(text): \(error)")
                }
                XCTAssertEqual(file, "tokenizer.json")
            }
        }
    }

    /// Fuzz-style: truncations and random byte changes of every fixture's tokenizer.json either
    /// load or throw a TokenizerError; nothing crashes, and whatever loads can encode and decode.
    func testTruncatedAndCorruptedFilesNeverCrash() throws {
        var generator = SplitMix64(seed: 42)
        var loaded = 0
        for name in Fixtures.names {
            let original = [UInt8](try Data(contentsOf: Fixtures.folder(name).appendingPathComponent("tokenizer.json")))
            for trial in 0..<80 {
                var bytes = original
                if trial % 2 == 0 {
                    bytes = Array(bytes[0..<Int(generator.next() % UInt64(bytes.count))])
                } else {
                    for _ in 0..<(1 + Int(generator.next() % 4)) {
                        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                    }
                }
                do {
                    let tokenizer = try PretrainedTokenizer(tokenizerJSON: Data(bytes))
                    loaded += 1
                    let ids = tokenizer.encode("Hello wörld 😀 <s> [CLS] 12", addSpecialTokens: true)
                    _ = tokenizer.decode(ids + [-1, 1 << 40], skipSpecialTokens: false)
                } catch is TokenizerError {
                    continue
                }
            }
        }
        XCTAssertGreaterThan(loaded, 0)
    }
}
