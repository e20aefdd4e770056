import JambaJSON

/// Writes a TaskRecord as one JSON line: known keys in a fixed order, then the extras in sorted key
/// order, so the same record always gives the same bytes (generated files must be byte-identical
/// for a seed). Absent optional fields are left out rather than written as null.
enum TaskRecordEncoder {
    static func encode(_ r: TaskRecord, into out: inout JSONWriter) {
        out.bytes.append(UInt8(ascii: "{"))
        var first = true
        if r.idIsFromRecord { out.key("id", first: &first); out.string(r.id) }
        if let v = r.task { out.key("task", first: &first); out.string(v) }
        if let v = r.input { out.key("input", first: &first); out.string(v) }
        if let ids = r.inputIds {
            out.key("input_ids", first: &first)
            out.bytes.append(UInt8(ascii: "["))
            for (i, id) in ids.enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.int(id)
            }
            out.bytes.append(UInt8(ascii: "]"))
        }
        out.key("outputs", first: &first)
        out.bytes.append(UInt8(ascii: "["))
        for (i, o) in r.outputs.enumerated() {
            if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.string(o)
        }
        out.bytes.append(UInt8(ascii: "]"))
        if let ps = r.positions {
            out.key("positions", first: &first)
            out.bytes.append(UInt8(ascii: "["))
            for (i, p) in ps.enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.bytes.append(UInt8(ascii: "["))
                out.int(p.position)
                out.bytes.append(UInt8(ascii: ","))
                out.int(p.target)
                out.bytes.append(UInt8(ascii: "]"))
            }
            out.bytes.append(UInt8(ascii: "]"))
        }
        if let v = r.length { out.key("length", first: &first); out.int(v) }
        if let v = r.depth { out.key("depth", first: &first); out.double(v) }
        if let v = r.maxNewTokens { out.key("max_new_tokens", first: &first); out.int(v) }
        if let v = r.metric { out.key("metric", first: &first); out.string(v) }
        if let v = r.answerPrefix { out.key("answer_prefix", first: &first); out.string(v) }
        for k in r.extras.keys.sorted() where !TaskRecord.knownKeys.contains(k) {
            out.key(k, first: &first)
            out.value(r.extras[k]!)
        }
        out.bytes.append(UInt8(ascii: "}"))
        out.bytes.append(0x0A)
    }
}

extension TaskRecord {
    /// The record as one JSON line (with its "\n"), exactly as TaskWriter writes it.
    public func jsonLine() -> [UInt8] {
        var out = JSONWriter(capacity: (input?.utf8.count ?? 0) + (inputIds?.count ?? 0) * 6 + 256)
        TaskRecordEncoder.encode(self, into: &out)
        return out.bytes
    }
}
