import Foundation
import XCTest
@testable import JambaTokenizers

/// Other normalizers, pre-tokenizers, decoders and post-processors swapped into the fixture
/// tokenizers (variants.json, made by tools/reference/tokenizers/make_fixtures.py): each must
/// give exactly the ids and text that `tokenizers` gave with the same parts.
final class ComponentVariantTests: XCTestCase {
    func testEveryVariantMatchesTokenizers() throws {
        try check(Fixtures.root.appendingPathComponent("variants.json"))
    }

    /// The larger throwaway comparison of tools/reference/tokenizers/stress.py, when its output
    /// folder is given in TOKENIZER_STRESS_DIR.
    func testStressVariantsWhenGiven() throws {
        guard let folder = ProcessInfo.processInfo.environment["TOKENIZER_STRESS_DIR"] else {
            throw XCTSkip("TOKENIZER_STRESS_DIR not set")
        }
        try check(URL(fileURLWithPath: folder).appendingPathComponent("variants.json"))
    }

    func check(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let variants = try XCTUnwrap(document["variants"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(variants.count, 10)
        for variant in variants {
            let name = try XCTUnwrap(variant["name"] as? String)
            var json = try Fixtures.tokenizerJSON(try XCTUnwrap(variant["base"] as? String))
            for (key, value) in try XCTUnwrap(variant["override"] as? [String: Any]) { json[key] = value }
            let tokenizer = try PretrainedTokenizer(tokenizerJSON: try Fixtures.data(json))
            let cases = try JSONDecoder().decode([Fixtures.Case].self,
                                                 from: try JSONSerialization.data(withJSONObject: variant["cases"]!))
            var failures = 0
            for item in cases {
                let label = "\(name) \"\(visible(item.text))\""
                let plain = tokenizer.encode(item.text, addSpecialTokens: false)
                if plain != item.ids_plain {
                    failures += 1
                    XCTFail("\(label): \(FixtureEquivalenceTests.difference(plain, item.ids_plain, tokenizer))")
                }
                XCTAssertEqual(tokenizer.encode(item.text, addSpecialTokens: true), item.ids, "\(label): with special tokens")
                XCTAssertEqual(tokenizer.decode(plain, skipSpecialTokens: false), item.decoded, "\(label): decoded")
                XCTAssertEqual(tokenizer.decode(item.ids, skipSpecialTokens: true), item.decoded_skip_special,
                               "\(label): decoded, special tokens skipped")
            }
            XCTAssertEqual(failures, 0, "\(name): \(failures) of \(cases.count) strings differ")
        }
    }
}
