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

    struct Variant: Decodable {
        let name: String
        let base: String
        let cases: [Fixtures.Case]
    }

    struct Variants: Decodable {
        let variants: [Variant]
    }

    func check(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        // The strings are read with JSONDecoder: JSONSerialization on Linux drops U+FEFF inside
        // strings. The swapped-in parts, plain JSON without such characters, go through it.
        let variants = try JSONDecoder().decode(Variants.self, from: data).variants
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let overrides = try XCTUnwrap(document["variants"] as? [[String: Any]]).map { $0["override"] as? [String: Any] }
        XCTAssertGreaterThanOrEqual(variants.count, 10)
        for (variant, override) in zip(variants, overrides) {
            let name = variant.name
            var json = try Fixtures.tokenizerJSON(variant.base)
            for (key, value) in try XCTUnwrap(override) { json[key] = value }
            let tokenizer = try PretrainedTokenizer(tokenizerJSON: try Fixtures.data(json))
            let cases = variant.cases
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
