import JambaJSON

/// Decodes one JSONL line into a TaskRecord, typed fields straight from the bytes and unknown keys
/// as JSONValue. Every failure names the file and line (and the byte column for syntax errors).
enum TaskRecordDecoder {
    /// `fileName` is the path as the user gave it (for messages); `idPrefix` its last component,
    /// used to name records without an id.
    static func decode(_ line: UnsafeRawBufferPointer, file: String, idPrefix: String, lineNumber: Int) throws -> TaskRecord {
        var p = JSONParser(line)
        do {
            guard p.peek() == UInt8(ascii: "{") else {
                throw DataError.notAnObject(file: file, line: lineNumber, found: p.describeNext())
            }
            _ = p.consume(UInt8(ascii: "{"))
            var r = TaskRecord(id: "", idIsFromRecord: false)
            if !p.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try p.string()
                    try p.expect(UInt8(ascii: ":"), "':' after key '\(key)'")
                    func bad(_ expected: String) -> DataError {
                        .badField(file: file, line: lineNumber, field: key, expected: expected)
                    }
                    switch key {
                    case "id":
                        let next = p.peek()
                        if next == UInt8(ascii: "\"") {
                            r.id = try p.string()
                        } else if let b = next, isNumberStart(b) {
                            r.id = p.text(try p.numberLiteral())
                        } else {
                            throw bad("a string or a number")
                        }
                        r.idIsFromRecord = true
                    case "task": r.task = try optionalString(&p, bad("a string"))
                    case "input": r.input = try optionalString(&p, bad("a string"))
                    case "metric": r.metric = try optionalString(&p, bad("a string"))
                    case "answer_prefix": r.answerPrefix = try optionalString(&p, bad("a string"))
                    case "length": r.length = try optionalInt(&p, bad("an integer"))
                    case "max_new_tokens": r.maxNewTokens = try optionalInt(&p, bad("an integer"))
                    case "depth":
                        if p.consumeNull() { r.depth = nil; break }
                        guard p.peek().map(isNumberStart) == true else { throw bad("a number") }
                        // 1e400 parses to +Inf, which no JSON writer can write back (results.json).
                        let d = try p.double()
                        guard d.isFinite else { throw bad("a finite number") }
                        r.depth = d
                    case "input_ids":
                        if p.consumeNull() { r.inputIds = nil; break }
                        r.inputIds = try intArray(&p, bad("a list of integers"))
                    case "outputs":
                        r.outputs = try outputs(&p, bad("a list of strings"))
                    case "positions":
                        if p.consumeNull() { r.positions = nil; break }
                        r.positions = try positions(&p, bad("a list of [position, target id] pairs of integers"))
                    default:
                        r.extras[key] = try p.value()
                    }
                } while p.consume(UInt8(ascii: ","))
                try p.expect(UInt8(ascii: "}"), "',' or '}'")
            }
            p.skipWhitespace()
            guard p.atEnd else { throw p.fail("unexpected \(p.describeNext()) after the object") }
            guard r.input != nil || r.inputIds != nil else { throw DataError.missingInput(file: file, line: lineNumber) }
            if !r.idIsFromRecord { r.id = "\(idPrefix):\(lineNumber)" }
            return r
        } catch let f as JSONParser.Failure {
            throw DataError.notJSON(file: file, line: lineNumber, column: f.offset + 1, reason: f.reason)
        }
    }

    private static func isNumberStart(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    private static func optionalString(_ p: inout JSONParser, _ error: DataError) throws -> String? {
        switch p.peek() {
        case UInt8(ascii: "\""): return try p.string()
        case UInt8(ascii: "n"): if p.consumeNull() { return nil }; throw error
        default: throw error
        }
    }

    private static func optionalInt(_ p: inout JSONParser, _ error: DataError) throws -> Int? {
        if p.consumeNull() { return nil }
        guard p.peek().map(isNumberStart) == true, let v = try p.integer() else { throw error }
        return v
    }

    private static func intArray(_ p: inout JSONParser, _ error: DataError) throws -> [Int] {
        if let fast = try p.plainIntegerArray() { return fast }
        guard p.consume(UInt8(ascii: "[")) else { throw error }
        var out: [Int] = []
        if p.consume(UInt8(ascii: "]")) { return out }
        repeat {
            guard p.peek().map(isNumberStart) == true, let v = try p.integer() else { throw error }
            out.append(v)
        } while p.consume(UInt8(ascii: ","))
        try p.expect(UInt8(ascii: "]"), "',' or ']'")
        return out
    }

    /// RULER writes a list of strings; a bare string or numbers are accepted as their text.
    private static func outputs(_ p: inout JSONParser, _ error: DataError) throws -> [String] {
        func one(_ p: inout JSONParser) throws -> String {
            switch p.peek() {
            case UInt8(ascii: "\""): return try p.string()
            case let b? where isNumberStart(b): return p.text(try p.numberLiteral())
            default: throw error
            }
        }
        if p.consumeNull() { return [] }
        guard p.peek() == UInt8(ascii: "[") else { return [try one(&p)] }
        _ = p.consume(UInt8(ascii: "["))
        var out: [String] = []
        if p.consume(UInt8(ascii: "]")) { return out }
        repeat { out.append(try one(&p)) } while p.consume(UInt8(ascii: ","))
        try p.expect(UInt8(ascii: "]"), "',' or ']'")
        return out
    }

    private static func positions(_ p: inout JSONParser, _ error: DataError) throws -> [TargetPosition] {
        guard p.consume(UInt8(ascii: "[")) else { throw error }
        var out: [TargetPosition] = []
        if p.consume(UInt8(ascii: "]")) { return out }
        repeat {
            let pair = try intArray(&p, error)
            guard pair.count == 2 else { throw error }
            out.append(TargetPosition(position: pair[0], target: pair[1]))
        } while p.consume(UInt8(ascii: ","))
        try p.expect(UInt8(ascii: "]"), "',' or ']'")
        return out
    }
}
