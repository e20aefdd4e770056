import Foundation
import XCTest
@testable import JambaData

/// Issue 15: record bytes that are not JSON by the letter, or numbers no writer can write back.
final class HostileRecordTests: XCTestCase {
    func decode(_ line: String) throws -> TaskRecord {
        try Array(line.utf8).withUnsafeBytes { try TaskRecordDecoder.decode($0, file: "r.jsonl", idPrefix: "r.jsonl", lineNumber: 7) }
    }

    func testRawControlCharactersInStringsAreRefusedWithTheirColumn() {
        for (line, column) in [("{\"input\": \"a\u{0}b\"}", 13), ("{\"input\": \"a\\nb\u{1}\"}", 16), ("{\"x\u{9}\": 1, \"input\": \"\"}", 4)] {
            XCTAssertThrowsError(try decode(line), line) { e in
                XCTAssertEqual("\(e)", "r.jsonl:7: not valid JSON at column \(column): control character 0x\(String(Array(line.utf8)[column - 1], radix: 16)) inside a string (JSON needs it escaped)")
            }
        }
        // Escaped, they are text like any other.
        XCTAssertEqual(try decode(#"{"input": "a\u0000b\tc"}"#).input, "a\u{0}b\tc")
    }

    func testDepthMustBeFinite() {
        XCTAssertThrowsError(try decode(#"{"input": "x", "depth": 1e400}"#)) { e in
            XCTAssertEqual("\(e)", "r.jsonl:7: field 'depth': expected a finite number")
        }
        XCTAssertEqual(try decode(#"{"input": "x", "depth": 1e308}"#).depth, 1e308, "finite: the range is the suite's check")
    }
}
