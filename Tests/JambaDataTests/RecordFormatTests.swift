import Foundation
import XCTest
@testable import JambaData
import JambaJSON

final class RecordFormatTests: XCTestCase {
    func testRULERFileLoadsUnchanged() throws {
        let path = TestFiles.fixtures.appendingPathComponent("ruler_format.jsonl").path
        let records = try TaskReader.readAll(path: path)
        XCTAssertEqual(records.count, 3)

        // No `id`: named <file name>:<line>; RULER's repeated `index` is kept as an extra.
        XCTAssertEqual(records.map(\.id), ["ruler_format.jsonl:1", "ruler_format.jsonl:2", "ruler_format.jsonl:3"])
        XCTAssertEqual(records.map { $0.idIsFromRecord }, [false, false, false])
        XCTAssertEqual(records[0].extras["index"], .int(211))
        XCTAssertEqual(records[1].extras["index"], .int(211))
        XCTAssertEqual(records[0].extras["length_w_model_temp"], .int(148))
        XCTAssertEqual(records[0].extras["token_position_answer"], .int(52))

        let r = records[0]
        XCTAssertEqual(r.outputs, ["4817205"])
        XCTAssertEqual(r.length, 120)
        XCTAssertNil(r.task)
        XCTAssertNil(r.inputIds)
        // Whitespace inside input is kept exactly: double space, tab, blank line, trailing space.
        let input = try XCTUnwrap(r.input)
        XCTAssertTrue(input.contains("goes on.  Here we are.\tOnward.\n"))
        XCTAssertTrue(input.contains("wide.\n\nWhich"))
        XCTAssertTrue(input.hasSuffix("text? "))
        // The answer prefix starts with a space and is appended to form the prompt.
        XCTAssertEqual(r.answerPrefix, " The special magic numbers for quiet-harbor in the text are")
        XCTAssertEqual(r.prompt, input + " The special magic numbers for quiet-harbor in the text are")

        // \u escapes (ensure_ascii) decode to the same text as raw UTF-8.
        XCTAssertTrue(records[1].input!.contains("Café au lait, naïve résumé — “quoted” text."))
        XCTAssertEqual(records[2].outputs, ["QWERT", "ASDFG"])

        // Compressed, the same file reads the same.
        let dir = try TestFiles.temporaryDirectory(for: self)
        let zst = dir.appendingPathComponent("ruler_format.jsonl.zst").path
        try TestFiles.writeZstd([try TestFiles.read(path)], to: zst)
        let compressed = try TaskReader.readAll(path: zst)
        XCTAssertEqual(compressed.map(\.id), ["ruler_format.jsonl.zst:1", "ruler_format.jsonl.zst:2", "ruler_format.jsonl.zst:3"])
        XCTAssertEqual(compressed.map { r in var r = r; r.id = r.id.replacingOccurrences(of: ".zst", with: ""); return r }, records)
    }

    func testRULERRecordsWriteBackWithoutInventedIds() throws {
        let path = TestFiles.fixtures.appendingPathComponent("ruler_format.jsonl").path
        let records = try TaskReader.readAll(path: path)
        let dir = try TestFiles.temporaryDirectory(for: self)
        let out = dir.appendingPathComponent("ruler_format.jsonl").path
        let w = try TaskWriter(path: out)
        for r in records { try w.write(r) }
        try w.close()
        let text = String(decoding: try TestFiles.read(out), as: UTF8.self)
        XCTAssertFalse(text.contains("\"id\""))
        // Same file name, so the derived ids agree and the records are equal.
        XCTAssertEqual(try TaskReader.readAll(path: out), records)
    }

    func testRoundTripPreservesEveryRecordAndExtras() throws {
        var records: [TaskRecord] = []
        records.append(TaskRecord(
            id: "niah_single/4096/d25/17", task: "niah_single",
            input: "Line one\nline \"two\"\twith tab\\backslash \u{1}\u{1F}ctl — ünïcödé 🎉  double  space ",
            outputs: ["7342185", "a\"b"], length: 4096, depth: 0.25, maxNewTokens: 12, metric: "string_match_all",
            answerPrefix: " The answer is",
            extras: [
                "index": .int(1536),
                "big": .number("123456789012345678901234567890"),
                "small": .number("1.5e-7"),
                "neg": .number("-0.0"),
                "flags": .array([.bool(true), .bool(false), .null]),
                "nested": .object(["a": .array([.int(1), .string("x\ny")]), "b": .object([:]), "é": .string("ü")]),
            ]))
        records.append(TaskRecord(
            id: "mqar/512/3", task: "mqar", inputIds: [0, 17, -3, 65535, Int(Int32.max)],
            positions: [TargetPosition(position: 130, target: 17), TargetPosition(position: 0, target: 0)],
            metric: "positions_accuracy"))
        records.append(TaskRecord(id: "empty", input: ""))
        records.append(TaskRecord(id: "depth-zero", input: "x", depth: 0))
        records.append(TaskRecord(id: "depth-one", input: "x", depth: 1))
        records.append(TaskRecord(id: "depth-third", input: "x", depth: 1.0 / 3.0))

        let dir = try TestFiles.temporaryDirectory(for: self)
        for name in ["rt.jsonl.zst", "rt.jsonl"] {
            let path = dir.appendingPathComponent(name).path
            let w = try TaskWriter(path: path, level: 5)
            for r in records { try w.write(r) }
            try w.close()
            XCTAssertEqual(w.records, records.count)
            let back = try TaskReader.readAll(path: path)
            XCTAssertEqual(back, records, name)

            // And writing what was read gives the same bytes.
            let again = dir.appendingPathComponent("again-" + name).path
            let w2 = try TaskWriter(path: again, level: 5)
            for r in back { try w2.write(r) }
            try w2.close()
            XCTAssertEqual(try TestFiles.read(again), try TestFiles.read(path))
        }
    }

    func testNumbersAndNullsInTypedFields() throws {
        let dir = try TestFiles.temporaryDirectory(for: self)
        let path = dir.appendingPathComponent("types.jsonl").path
        let text = """
        {"id": 42, "input": "a", "length": 4096.0, "max_new_tokens": null, "answer_prefix": null, "outputs": "single"}
        {"input": "b", "outputs": [1234567, "x"], "depth": 5e-1, "positions": [[1, 2], [3, 4]]}
        {"input": "c", "length": 1.5}
        {"input": "d", "positions": [[1, 2, 3]]}
        {"input": "e"} trailing

        """
        try TestFiles.write(Array(text.utf8), to: path)
        let reader = try TaskReader(path: path)
        let a = try XCTUnwrap(try reader.next())
        XCTAssertEqual(a.id, "42")
        XCTAssertEqual(a.length, 4096)
        XCTAssertNil(a.maxNewTokens)
        XCTAssertNil(a.answerPrefix)
        XCTAssertEqual(a.outputs, ["single"])
        let b = try XCTUnwrap(try reader.next())
        XCTAssertEqual(b.outputs, ["1234567", "x"])
        XCTAssertEqual(b.depth, 0.5)
        XCTAssertEqual(b.positions, [TargetPosition(position: 1, target: 2), TargetPosition(position: 3, target: 4)])
        XCTAssertEqual(TestFiles.dataError { _ = try reader.next() }, .badField(file: path, line: 3, field: "length", expected: "an integer"))
        XCTAssertEqual(TestFiles.dataError { _ = try reader.next() },
                       .badField(file: path, line: 4, field: "positions", expected: "a list of [position, target id] pairs of integers"))
        guard case .notJSON(_, 5, let column, _)? = TestFiles.dataError({ _ = try reader.next() }) else { return XCTFail() }
        XCTAssertEqual(column, 16)
        XCTAssertNil(try reader.next())
    }

    /// Fuzz-style: every prefix of a valid line, and random byte damage, gives a DataError and
    /// never a crash; and the parser agrees with JSONSerialization on the strings it accepts.
    func testDamagedLinesGiveErrorsNotCrashes() throws {
        let record = TaskRecord(id: "f", task: "t", input: "a\"b\\c\u{1}é🎉", outputs: ["1"], length: 3,
                                extras: ["x": .array([.object(["y": .number("-1.25e+3")]), .null, .bool(true)])])
        let line = Array(record.jsonLine().dropLast())
        var rng = SeededRandom(seed: 7)
        func decode(_ bytes: [UInt8]) throws -> TaskRecord {
            try bytes.withUnsafeBytes { try TaskRecordDecoder.decode($0, file: "f.jsonl", idPrefix: "f.jsonl", lineNumber: 1) }
        }
        XCTAssertEqual(try decode(line), record)
        for cut in 0..<line.count {
            XCTAssertThrowsError(try decode(Array(line[0..<cut])), "prefix \(cut)") { XCTAssertTrue($0 is DataError) }
        }
        var accepted = 0
        for _ in 0..<3000 {
            var damaged = line
            for _ in 0...rng.below(3) { damaged[rng.below(damaged.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            do {
                let r = try decode(damaged)
                accepted += 1
                // What we accept, JSONSerialization accepts with the same input text — except raw
                // control characters inside strings, which we let through on purpose.
                if let object = try? JSONSerialization.jsonObject(with: Data(damaged)) as? [String: Any] {
                    if let input = object["input"] as? String { XCTAssertEqual(r.input, input) }
                } else {
                    XCTAssertTrue(damaged.contains { $0 < 0x20 }, String(decoding: damaged, as: UTF8.self))
                }
            } catch is DataError {
            } catch {
                XCTFail("unexpected error \(error) for \(String(decoding: damaged, as: UTF8.self))")
            }
        }
        XCTAssertGreaterThan(accepted, 0)
        // Deep nesting is an error, not a stack overflow.
        let deep = Array("{\"input\":\"a\",\"x\":".utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
        XCTAssertThrowsError(try decode(deep))
    }

    func testStringEscapesMatchJSONSerialization() throws {
        let cases = [#""plain""#, #""\"\\\/\b\f\n\r\t""#, #""\u00e9\u4e2d\ud83c\udf89""#, #""\u0000z""#]
        for c in cases {
            let bytes = Array(c.utf8)
            let ours: String = try bytes.withUnsafeBytes { raw in
                var p = JSONParser(raw)
                return try p.string()
            }
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String
            XCTAssertEqual(ours, theirs, c)
        }
    }

    /// A lone surrogate in a record is an error naming the line and the escape's column, not a
    /// silent U+FFFD: the prompt would no longer be the text the dataset's author wrote.
    func testLoneSurrogateInARecordNamesLineAndColumn() throws {
        let line = Array(#"{"input": "ok \ud800 x"}"#.utf8)
        XCTAssertThrowsError(try line.withUnsafeBytes {
            try TaskRecordDecoder.decode($0, file: "t.jsonl", idPrefix: "t", lineNumber: 7)
        }) { error in
            guard case let DataError.notJSON(file, line, column, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "t.jsonl")
            XCTAssertEqual(line, 7)
            XCTAssertEqual(column, 15)  // the backslash of \ud800, 1-based
            XCTAssertTrue(reason.contains(#"lone UTF-16 surrogate \uD800"#), reason)
        }
    }
}
