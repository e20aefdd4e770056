import XCTest
import JambaJSON

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, _ options: JSONParser.Options = .init()) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0, options: options) }
    }

    private func failure(_ text: String, _ options: JSONParser.Options = .init(),
                         file: StaticString = #filePath, line: UInt = #line) -> JSONParser.Failure? {
        do {
            let v = try parse(text, options)
            XCTFail("parsed \(v)", file: file, line: line)
        } catch let f as JSONParser.Failure {
            return f
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return nil
    }

    func testValuesAreKeptLosslessly() throws {
        let v = try parse(#" {"b": [1, -0.5, 12345678901234567890, 1e-7, true, null], "a": "x\ny"} "#)
        XCTAssertEqual(v, .object([
            (key: "b", value: .array([.number("1"), .number("-0.5"), .number("12345678901234567890"), .number("1e-7"), .bool(true), .null])),
            (key: "a", value: .string("x\ny")),
        ]))
        XCTAssertEqual(v.members?.map(\.key), ["b", "a"], "members stay in file order")
        XCTAssertEqual(JSONValue.number("4096.0").intValue, 4096)
        XCTAssertNil(JSONValue.number("4096.0").exactInteger)
        XCTAssertEqual(JSONValue.number("-17").exactInteger, -17)
    }

    func testSurrogatePairBecomesOneScalar() throws {
        XCTAssertEqual(try parse(#""\ud83c\udf89""#), .string("\u{1F389}"))
    }

    /// Every kind of lone surrogate is an error at the offset of its escape, never U+FFFD.
    func testLoneSurrogatesAreErrorsAtTheirEscape() {
        for (text, offset, detail) in [
            (#""ab\ud800""#, 3, "no low surrogate follows"),
            (#""ab\ud800x""#, 3, "no low surrogate follows"),
            (#""ab\ud800\u0041""#, 3, "followed by \\u0041"),
            (#""ab\udc00""#, 3, "a low surrogate with no high one"),
        ] {
            guard let f = failure(text) else { continue }
            XCTAssertEqual(f.offset, offset, text)
            XCTAssertTrue(f.reason.contains("lone UTF-16 surrogate") && f.reason.contains(detail), f.reason)
        }
    }

    func testDuplicateKeysAreKeptOrRefused() throws {
        let text = #"{"k": 1, "k": 2}"#
        let kept = try parse(text)
        XCTAssertEqual(kept.members?.count, 2)
        XCTAssertEqual(kept.objectValue?["k"], .number("2"), "the last wins, as in serde_json and Python")
        let f = failure(text, .init(rejectsDuplicateKeys: true))
        XCTAssertEqual(f?.offset, 9)
        XCTAssertEqual(f?.reason, "key 'k' appears twice")
    }

    func testEscapedNULIsRefusedOnlyWhenAsked() throws {
        XCTAssertEqual(try parse(#""a\u0000""#), .string("a\u{0}"))
        XCTAssertEqual(failure(#""a\u0000""#, .init(rejectsEscapedNUL: true))?.reason, "\\u0000 inside a string")
    }

    func testSyntaxErrorsNameTheirOffset() {
        XCTAssertEqual(failure("[1, 2] x")?.offset, 7)
        XCTAssertEqual(failure(#"{"w": 01}"#)?.reason, "a number may not start with 0")
        XCTAssertEqual(failure(#"{"w": 01}"#)?.offset, 6)
        XCTAssertEqual(failure("{\"a\u{1}\": 1}")?.offset, 3)
        XCTAssertEqual(failure(#"{"a": 1,}"#)?.offset, 8)
        XCTAssertThrowsError(try ([0x22, 0xFF, 0x22] as [UInt8]).withUnsafeBytes { try JSONParser.parse($0) }) {
            XCTAssertEqual(($0 as? JSONParser.Failure)?.reason, "string is not valid UTF-8")
        }
        XCTAssertEqual(failure(String(repeating: "[", count: 100), .init(maxDepth: 64))?.reason, "nesting deeper than 64")
    }
}
