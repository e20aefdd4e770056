import Foundation
import JambaJSON
import JambaKernels

/// Writes Float32 values as a safetensors file that transformers (and `SafetensorsFile`) read, in
/// F32, or rounded to nearest even into BF16 or F16.
public enum SafetensorsWriter {
    public struct Entry {
        public let name: String
        public let shape: [Int]
        public let values: UnsafeBufferPointer<Float>
        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            self.name = name; self.shape = shape; self.values = values
        }
    }

    /// The dtypes the writer stores.
    public static let writableDTypes: [DType] = [.f32, .bf16, .f16]

    public static func write(_ entries: [Entry], dtype: DType = .f32, metadata: [String: String] = ["format": "pt"], to url: URL) throws {
        for e in entries {
            precondition(e.values.count == e.shape.reduce(1, *), "tensor \(e.name): shape does not match values")
        }
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        try write(entries.map { ($0.name, $0.shape) }, dtype: dtype, metadata: metadata, to: url) { name, body in
            try body(byName[name]!.values)
        }
    }

    /// Streams the tensors in: the header is written from the shapes alone, then `values(name, body)`
    /// is called once per tensor in name order and must call `body` with that tensor's Float32
    /// values. Only one tensor need exist at a time, so a model larger than memory in Float32 can
    /// be written in BF16 (`init --dtype bf16` of a 3B model holds one tensor, not 12 GB).
    public static func write(_ tensors: [(name: String, shape: [Int])], dtype: DType, metadata: [String: String], to url: URL,
                             values: (String, (UnsafeBufferPointer<Float>) throws -> Void) throws -> Void) throws {
        guard writableDTypes.contains(dtype) else {
            throw CheckpointError.writeFailed(file: url.path, reason: "cannot write dtype \(dtype.rawValue); F32, BF16 or F16")
        }
        let sorted = tensors.sorted { $0.name < $1.name }
        var json = Data(header(sorted, dtype: dtype, metadata: metadata))
        // Pad with spaces so the data section starts 8-byte aligned (tensors then map in place).
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw CheckpointError.writeFailed(file: url.path, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        func put(_ data: Data) throws {
            do { try handle.write(contentsOf: data) } catch {
                throw CheckpointError.writeFailed(file: url.path, reason: error.localizedDescription)
            }
        }
        var n = UInt64(json.count).littleEndian
        try put(Data(bytes: &n, count: 8))
        try put(json)
        for t in sorted {
            let expected = t.shape.reduce(1, *)
            var wrote = false
            try values(t.name) { v in
                precondition(v.count == expected, "tensor \(t.name): shape does not match values")
                wrote = true
                guard v.count > 0 else { return }
                switch dtype {
                case .bf16: try put(narrowed(v, BF16.self, name: t.name, file: url.path))
                case .f16: try put(narrowed(v, F16.self, name: t.name, file: url.path))
                default: try put(Data(buffer: v))
                }
            }
            precondition(wrote, "tensor \(t.name): no values given")
        }
    }

    /// A header member: the metadata, or a tensor's entry.
    private enum Member {
        case metadata
        case tensor(shape: [Int], begin: Int, end: Int)
    }

    /// The JSON header, the same bytes JSONSerialization wrote with `.sortedKeys` before the
    /// project had one JSON writer (a file written by `init` then and now must not differ): data
    /// offsets in name order; members in Foundation's sorted-keys order (numeric and
    /// case-insensitive, so "layers.2" comes before "layers.10"), a tensor named "__metadata__"
    /// replacing the metadata as it did in that dictionary; "/" escaped.
    private static func header(_ sorted: [(name: String, shape: [Int])], dtype: DType, metadata: [String: String]) -> [UInt8] {
        var members: [String: Member] = ["__metadata__": .metadata]
        var offset = 0
        for t in sorted {
            let bytes = t.shape.reduce(1, *) * dtype.byteSize
            members[t.name] = .tensor(shape: t.shape, begin: offset, end: offset + bytes)
            offset += bytes
        }
        var out = JSONWriter(escapesSlash: true)
        out.raw("{")
        var first = true
        for name in members.keys.sorted(by: foundationSortedKeysOrder) {
            out.key(name, first: &first)
            var inner = true
            out.raw("{")
            switch members[name]! {
            case .metadata:
                for k in metadata.keys.sorted(by: foundationSortedKeysOrder) {
                    out.key(k, first: &inner)
                    out.string(metadata[k]!)
                }
            case .tensor(let shape, let begin, let end):
                out.key("data_offsets", first: &inner); out.value(.array([.int(begin), .int(end)]))
                out.key("dtype", first: &inner); out.string(dtype.rawValue)
                out.key("shape", first: &inner); out.value(.array(shape.map(JSONValue.int)))
            }
            out.raw("}")
        }
        out.raw("}")
        return out.bytes
    }

    /// The comparison swift-corelibs-foundation's JSONSerialization sorts keys with.
    private static func foundationSortedKeysOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: NSLocale.system) == .orderedAscending
    }

    /// Little-endian 16-bit patterns of the values. A finite value that rounds to ±Inf (beyond
    /// F16's 65504) is an error naming the tensor: the file would be refused on load anyway.
    private static func narrowed<H: HalfFormat>(_ v: UnsafeBufferPointer<Float>, _: H.Type, name: String, file: String) throws -> Data {
        var out = Data(count: 2 * v.count)
        try out.withUnsafeMutableBytes { raw in
            for (i, x) in v.enumerated() {
                let h = H.narrow(x)
                if x.isFinite && !H.float(h).isFinite {
                    throw CheckpointError.writeFailed(file: file, reason: "tensor '\(name)': \(x) at flat index \(i) is outside the range of \(H.self)")
                }
                raw.storeBytes(of: h.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
        return out
    }
}
