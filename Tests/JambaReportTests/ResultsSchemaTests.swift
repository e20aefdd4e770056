import XCTest
@testable import JambaEval
@testable import JambaReport

/// docs/results-schema.md against the encoder: the doc's field tables must list exactly the paths
/// a fully populated results.json has, with the right JSON types, so the two cannot drift.
final class ResultsSchemaTests: XCTestCase {
    /// A JSON value as decoded, keeping integers apart from other numbers.
    enum JSONValue: Decodable {
        case object([String: JSONValue]), array([JSONValue]), string(String), integer(Int), number(Double), boolean(Bool), null

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .boolean(b) }
            else if let i = try? c.decode(Int.self) { self = .integer(i) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
            else { self = .object(try c.decode([String: JSONValue].self)) }
        }

        var type: String {
            switch self {
            case .object: return "object"
            case .array: return "array"
            case .string: return "string"
            case .integer: return "integer"
            case .number: return "number"
            case .boolean: return "boolean"
            case .null: return "null"
            }
        }
    }

    /// Every path of `value` with the JSON types found there ("a.b[].c").
    func paths(_ value: JSONValue, _ prefix: String = "", into out: inout [String: Set<String>]) {
        if !prefix.isEmpty { out[prefix, default: []].insert(value.type) }
        switch value {
        case .object(let o): for (k, v) in o { paths(v, prefix.isEmpty ? k : "\(prefix).\(k)", into: &out) }
        case .array(let a): for v in a { paths(v, prefix + "[]", into: &out) }
        default: break
        }
    }

    struct DocRow { let type: String; let optional: Bool }

    /// The field-table rows of the doc: "| `path` | type[, optional] | unit | meaning |".
    func documented() throws -> [String: DocRow] {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/results-schema.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        var rows: [String: DocRow] = [:]
        let types: Set<String> = ["string", "integer", "number", "boolean", "object", "array"]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cols = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            // Field rows have four cells (path, type, unit, meaning); the file list has two.
            guard cols.count == 6 else { continue }
            let path = cols[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let typeCol = cols[2]
            XCTAssertNil(rows[path], "documented twice: \(path)")
            let row = DocRow(type: typeCol.replacingOccurrences(of: ", optional", with: ""), optional: typeCol.hasSuffix(", optional"))
            XCTAssertTrue(types.contains(row.type), "\(path): unknown type '\(typeCol)'")
            rows[path] = row
        }
        XCTAssertGreaterThan(rows.count, 100)
        return rows
    }

    func encodedPaths(_ r: RunResults) throws -> [String: Set<String>] {
        let value = try JSONDecoder().decode(JSONValue.self, from: r.jsonData())
        var out: [String: Set<String>] = [:]
        paths(value, into: &out)
        return out
    }

    func typeMatches(_ documented: String, _ found: Set<String>) -> Bool {
        // JSON does not mark integers: a number field whose values happen to be whole encodes
        // like an integer, so "number" accepts both; "integer" accepts only integers.
        let allowed: Set<String> = documented == "number" ? ["number", "integer"] : [documented]
        return found.isSubset(of: allowed)
    }

    func testFullyPopulatedResultsMatchTheDocumentedFields() throws {
        let doc = try documented()
        // One failed sample, so `failures` and `accuracy[].failed` are populated too.
        var failed = ReportFixtures.sample("mqar/2048/nan", model: "jamba", task: "mqar", metric: .positionsAccuracy, score: 0, ttft: nil)
        failed.failure = "non-finite logits"
        let enc = try encodedPaths(try ReportFixtures.fullResults(samples: ReportFixtures.needleSamples() + [failed]))
        XCTAssertEqual(Set(enc.keys).subtracting(doc.keys).sorted(), [], "encoded but not in docs/results-schema.md")
        XCTAssertEqual(Set(doc.keys).subtracting(enc.keys).sorted(), [], "documented but not encoded")
        for (path, types) in enc {
            guard let row = doc[path] else { continue }
            XCTAssertTrue(typeMatches(row.type, types), "\(path): documented \(row.type), encoded \(types.sorted())")
        }
    }

    /// Without the optional members: what is encoded is still documented, and every documented
    /// path left out is optional or sits under something optional or an empty list.
    func testMinimalResultsStayWithinTheDocumentedFields() throws {
        let s = [ReportFixtures.sample("x", model: "jamba", task: "mqar", metric: .exactMatch, score: 1, ttft: nil)]
        let r = try RunResults.build(samples: s, models: [ReportFixtures.models[0]], suite: ReportFixtures.suite,
                                     environment: ReportFixtures.environment)
        let doc = try documented(), enc = try encodedPaths(r)
        XCTAssertEqual(Set(enc.keys).subtracting(doc.keys).sorted(), [])
        for (path, types) in enc { XCTAssertTrue(typeMatches(doc[path]!.type, types), path) }
        for (path, row) in doc where enc[path] == nil && !path.contains("[]") {
            // Top-level and object members outside lists must be present unless optional.
            let parentOptional = doc.contains { path.hasPrefix($0.key + ".") && $0.value.optional }
            XCTAssertTrue(row.optional || parentOptional, "required field missing: \(path)")
        }
    }

    func testSchemaVersionIsWrittenAndChecked() throws {
        let r = try ReportFixtures.fullResults()
        XCTAssertEqual(r.schema, "jamba-eval/results/1")
        var obj = try JSONSerialization.jsonObject(with: r.jsonData()) as! [String: Any]
        obj["schema"] = "jamba-eval/results/2"
        let other = try JSONSerialization.data(withJSONObject: obj)
        XCTAssertThrowsError(try RunResults.decode(other, file: "r.json")) { e in
            XCTAssertEqual("\(e)", "r.json: field 'schema' is 'jamba-eval/results/2'; this jamba-eval reads 'jamba-eval/results/1'")
        }
        obj["schema"] = "jamba-eval/results/1"
        obj["sample_count"] = "many"
        XCTAssertThrowsError(try RunResults.decode(JSONSerialization.data(withJSONObject: obj), file: "r.json")) { e in
            XCTAssertEqual("\(e)", "r.json: not a jamba-eval bench or results file: wrong type at 'sample_count'")
        }
        XCTAssertThrowsError(try RunResults.decode(Data("[1]".utf8), file: "r.json"))
    }

    /// results.json reads back to the same bytes, and the gate finds its throughput member.
    func testRoundTripAndGateReadsThroughput() throws {
        let r = try ReportFixtures.fullResults()
        let data = try r.jsonData()
        XCTAssertEqual(try RunResults.decode(data, file: "r.json").jsonData(), data)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let loaded = try Gate.load(url.path)
        XCTAssertEqual(loaded.count, 1)
        XCTAssertEqual(loaded[0].results.count, r.throughput!.results.count)
        XCTAssertEqual(Gate.compare(current: loaded[0], baseline: r.throughput!, tolerance: 0.1).exitCode, 0)
    }
}
