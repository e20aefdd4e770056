import Foundation
import XCTest
@testable import JambaTokenizers

/// NFC / NFD / NFKC / NFKD against `tokenizers`' own normalizers on strings full of combining
/// marks, Hangul jamo and decomposable characters (normalization.json, made by
/// tools/reference/tokenizers/unicode_tables.py).
final class NormalizerTests: XCTestCase {
    struct Case: Decodable {
        let text: String
        let NFC: String
        let NFD: String
        let NFKC: String
        let NFKD: String
    }

    struct Cases: Decodable {
        let cases: [Case]
    }

    func testFourFormsAgainstTokenizers() throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("normalization.json"))
        let cases = try JSONDecoder().decode(Cases.self, from: data).cases
        XCTAssertGreaterThan(cases.count, 100)
        func run(_ form: UnicodeNormalizer.Form, _ text: String) -> String {
            String(decoding: UnicodeNormalizer.normalize(Array(text.utf8), form), as: UTF8.self)
        }
        for item in cases {
            // Compare scalars: String equality would itself treat canonical equivalents as equal.
            let label = visible(item.text)
            XCTAssertEqual(Array(run(.nfc, item.text).unicodeScalars), Array(item.NFC.unicodeScalars), "NFC \(label)")
            XCTAssertEqual(Array(run(.nfd, item.text).unicodeScalars), Array(item.NFD.unicodeScalars), "NFD \(label)")
            XCTAssertEqual(Array(run(.nfkc, item.text).unicodeScalars), Array(item.NFKC.unicodeScalars), "NFKC \(label)")
            XCTAssertEqual(Array(run(.nfkd, item.text).unicodeScalars), Array(item.NFKD.unicodeScalars), "NFKD \(label)")
        }
    }

    /// The two inputs Foundation's normalization got wrong on Linux.
    func testCasesFoundationGetsWrong() {
        func nfkc(_ text: String) -> [UInt32] {
            String(decoding: UnicodeNormalizer.normalize(Array(text.utf8), .nfkc), as: UTF8.self).unicodeScalars.map(\.value)
        }
        XCTAssertEqual(nfkc("\u{FF73}\u{FF9E}"), [0x30F4], "halfwidth ｳﾞ composes to ヴ")
        XCTAssertEqual(nfkc("\u{10064}\u{0323}"), [0x10064, 0x0323], "a Linear B sign does not become ḍ")
        XCTAssertEqual(nfkc("\u{00A0}x\u{00B2}"), [0x20, 0x78, 0x32])
    }
}
