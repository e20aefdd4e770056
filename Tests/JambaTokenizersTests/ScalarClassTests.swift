import Foundation
import XCTest
@testable import JambaTokenizers

/// ScalarClass against what the `tokenizers` package answers for every code point
/// (unicode_classes.json, made by tools/reference/tokenizers/unicode_classes.py).
final class ScalarClassTests: XCTestCase {
    struct Classes: Decodable {
        let letter: [[UInt32]]
        let number: [[UInt32]]
        let whitespace: [[UInt32]]
        let word: [[UInt32]]
        let rust_whitespace: [[UInt32]]
        let rust_numeric: [[UInt32]]
        let punctuation: [[UInt32]]
        let mark: [[UInt32]]
        let nonspacing_mark: [[UInt32]]
        let bert_control: [[UInt32]]
    }

    func testEveryCodePointAgainstTokenizers() throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("unicode_classes.json"))
        let classes = try JSONDecoder().decode(Classes.self, from: data)
        let checks: [(String, [[UInt32]], ScalarClass)] = [
            ("\\p{L}", classes.letter, .letter), ("\\p{N}", classes.number, .number),
            ("\\s", classes.whitespace, .whitespace), ("Rust \\w", classes.word, .word),
            ("is_whitespace", classes.rust_whitespace, .rustWhitespace),
            ("is_numeric", classes.rust_numeric, .rustNumeric),
            ("punctuation", classes.punctuation, .punctuation), ("marks", classes.mark, .mark),
            ("nonspacing marks", classes.nonspacing_mark, .nonspacingMark),
            ("clean_text", classes.bert_control, .bertControl),
        ]
        for (name, ranges, flag) in checks {
            var expected = [Bool](repeating: false, count: 0x110000)
            for range in ranges { for value in range[0]...range[1] { expected[Int(value)] = true } }
            var differences: [String] = []
            for value in UInt32(0)..<0x110000 where !(0xD800...0xDFFF).contains(value) {
                if ScalarClass.of(value).contains(flag) != expected[Int(value)] {
                    differences.append(String(format: "U+%04X", value))
                }
            }
            XCTAssertEqual(differences, [], "\(name): \(differences.count) code points differ")
        }
    }
}
