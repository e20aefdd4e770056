import Foundation
import JambaJSON
import JambaKernels

/// A memory-mapped safetensors file whose header has been checked before anything in it is trusted.
///
/// Layout: u64 little-endian header length n, n bytes of JSON
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    public let tensors: [String: TensorInfo]
    public let metadata: [String: String]
    let file: MappedFile
    let dataStart: Int

    /// The safetensors specification caps the header at 100 MB; anything larger is corrupt.
    static let maxHeaderBytes: UInt64 = 100_000_000

    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        (tensors, metadata, dataStart) = try Self.parse(UnsafeRawBufferPointer(start: file.base, count: file.size), path: path)
    }

    /// Checks a whole file's bytes: the header length, the header JSON and every entry against
    /// the data that follows. Returns the tensors, the metadata and where the data starts. (Apart
    /// from the mapping so the fuzz target and the tests can feed it bytes.)
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws
        -> (tensors: [String: TensorInfo], metadata: [String: String], dataStart: Int)
    {
        guard bytes.count >= 8 else { throw CheckpointError.truncated(file: path, size: bytes.count) }
        let n = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard n <= UInt64(bytes.count - 8), n <= Self.maxHeaderBytes else {
            throw CheckpointError.headerTooLarge(file: path, headerBytes: n, fileBytes: bytes.count)
        }
        let dataStart = 8 + Int(n)
        let json: JSONValue
        do {
            json = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]), options: Self.headerJSON)
        } catch let f as JSONParser.Failure {
            // Offsets are the file's: the header starts after the 8-byte length.
            throw CheckpointError.headerNotJSON(file: path, reason: "at byte \(8 + f.offset): \(f.reason)")
        }
        guard case .object(let members) = json else {
            throw CheckpointError.headerNotJSON(file: path, reason: "top level is not an object")
        }
        let (tensors, metadata) = try Self.validate(members, file: path, dataBytes: bytes.count - dataStart)
        return (tensors, metadata, dataStart)
    }

    /// The header is untrusted and can be megabytes long: a key given twice is refused (other
    /// readers keep one or the other, so the same file would load differently elsewhere), as is a
    /// NUL in a name, and a header is a two-level object, so anything much deeper is hostile.
    static let headerJSON = JSONParser.Options(maxDepth: 64, rejectsDuplicateKeys: true, rejectsEscapedNUL: true)

    private static func validate(_ members: [(key: String, value: JSONValue)], file: String, dataBytes: Int) throws
        -> ([String: TensorInfo], [String: String])
    {
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let m) = value else {
                    throw CheckpointError.badEntry(file: file, tensor: name, reason: "must be an object of strings")
                }
                for (k, v) in m {
                    guard case .string(let text) = v else {
                        throw CheckpointError.badEntry(file: file, tensor: name, reason: "value of '\(k)' must be a string")
                    }
                    metadata[k] = text
                }
                continue
            }
            guard case .object(let fields) = value else {
                throw CheckpointError.badEntry(file: file, tensor: name, reason: "entry is not an object")
            }
            let entry = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard case .string(let dtypeName)? = entry["dtype"] else {
                throw CheckpointError.badEntry(file: file, tensor: name, reason: "missing string field 'dtype'")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw CheckpointError.unknownDType(file: file, tensor: name, dtype: dtypeName)
            }
            guard let shape = integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError.badEntry(file: file, tensor: name, reason: "'shape' must be a list of non-negative integers")
            }
            guard let offsets = integers(entry["data_offsets"]), offsets.count == 2 else {
                throw CheckpointError.badEntry(file: file, tensor: name, reason: "'data_offsets' must be two integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataBytes else {
                throw CheckpointError.offsetsOutOfRange(file: file, tensor: name, begin: begin, end: end, dataBytes: dataBytes)
            }
            var elements = 1
            for d in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                if overflow || p > dataBytes {
                    throw CheckpointError.sizeMismatch(file: file, tensor: name, dtype: dtypeName, shape: shape,
                                                       expectedBytes: Int.max, actualBytes: end - begin)
                }
                elements = p
            }
            guard elements * dtype.byteSize == end - begin else {
                throw CheckpointError.sizeMismatch(file: file, tensor: name, dtype: dtypeName, shape: shape,
                                                   expectedBytes: elements * dtype.byteSize, actualBytes: end - begin)
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }
        // No two tensors may share bytes (empty tensors occupy none).
        let sorted = tensors.values.filter { $0.end > $0.begin }.sorted { ($0.begin, $0.name) < ($1.begin, $1.name) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.begin < a.end {
            throw CheckpointError.overlap(file: file, tensor: b.name, other: a.name)
        }
        return (tensors, metadata)
    }

    /// A list of exact integers (no fraction, no exponent, within Int).
    private static func integers(_ value: JSONValue?) -> [Int]? {
        guard case .array(let list)? = value else { return nil }
        var out: [Int] = []
        for item in list {
            guard let n = item.exactInteger else { return nil }
            out.append(n)
        }
        return out
    }

    /// Raw bytes of a tensor, inside the map.
    public func bytes(of info: TensorInfo) -> UnsafeRawPointer { file.base + dataStart + info.begin }

    /// The tensor as Float32: F32 data is used in place when 4-byte aligned; F16, BF16, F64 (and
    /// unaligned F32) are converted once into an owned buffer.
    public func floatTensor(_ name: String) throws -> Tensor {
        guard let info = tensors[name] else {
            throw CheckpointError.badEntry(file: path, tensor: name, reason: "not in this file")
        }
        let raw = bytes(of: info)
        let n = info.elementCount
        switch info.dtype {
        case .f32 where Int(bitPattern: raw) % 4 == 0:
            // Scanned in place: the pages are read now instead of at the first forward.
            try checkFinite(raw.assumingMemoryBound(to: Float.self), n, name)
            return Tensor(shape: info.shape, pointer: raw.assumingMemoryBound(to: Float.self), owner: file)
        case .f32:
            let buf = FloatBuffer(count: n)
            UnsafeMutableRawPointer(buf.pointer).copyMemory(from: raw, byteCount: n * 4)
            try checkFinite(buf.pointer, n, name)
            return Tensor(shape: info.shape, buffer: buf)
        case .bf16:
            let buf = FloatBuffer(count: n)
            for i in 0..<n {
                // bfloat16 is the top half of a float32.
                let bits = UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16
                buf.pointer[i] = Float(bitPattern: bits)
            }
            try checkFinite(buf.pointer, n, name)
            return Tensor(shape: info.shape, buffer: buf)
        case .f16:
            let buf = FloatBuffer(count: n)
            for i in 0..<n {
                buf.pointer[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian))
            }
            try checkFinite(buf.pointer, n, name)
            return Tensor(shape: info.shape, buffer: buf)
        case .f64:
            let buf = FloatBuffer(count: n)
            for i in 0..<n { buf.pointer[i] = Float(raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            try checkFinite(buf.pointer, n, name)
            return Tensor(shape: info.shape, buffer: buf)
        default:
            throw CheckpointError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue, wanted: "F32, BF16, F16 or F64")
        }
    }

    /// A weight matrix: BF16 and F16 in place in the map when 2-byte aligned (the kernels widen
    /// them as they read; see WeightData), after the same non-finite scan as Float32; anything
    /// else as `floatTensor` gives it.
    public func matrix(_ name: String) throws -> Tensor {
        guard let info = tensors[name] else {
            throw CheckpointError.badEntry(file: path, tensor: name, reason: "not in this file")
        }
        let raw = bytes(of: info)
        guard info.dtype == .bf16 || info.dtype == .f16, Int(bitPattern: raw) % 2 == 0 else { return try floatTensor(name) }
        let halves = raw.assumingMemoryBound(to: UInt16.self), n = info.elementCount
        let mask: UInt16 = info.dtype == .bf16 ? 0x7F80 : 0x7C00
        if let first = NonFinite.first(halves: halves, n, exponentMask: mask) {
            throw CheckpointError.nonFinite(file: path, tensor: name,
                                            count: NonFinite.count(halves: halves + first, n - first, exponentMask: mask), first: first)
        }
        return Tensor(shape: info.shape, data: info.dtype == .bf16 ? .bf16(halves) : .f16(halves), owner: file)
    }

    /// A NaN or ±Inf weight poisons every logit downstream (and once crashed MoE routing), so a
    /// checkpoint holding one is refused at load, naming the tensor, the count and the first index.
    /// (F64 values beyond Float's range become ±Inf in the conversion and are caught here too.)
    private func checkFinite(_ p: UnsafePointer<Float>, _ n: Int, _ name: String) throws {
        guard let first = NonFinite.first(p, n) else { return }
        throw CheckpointError.nonFinite(file: path, tensor: name, count: NonFinite.count(p + first, n - first), first: first)
    }

    /// An integer tensor (I32, I64, U8…) as Ints: token ids in fixtures and data files.
    public func intTensor(_ name: String) throws -> (shape: [Int], values: [Int]) {
        guard let info = tensors[name] else {
            throw CheckpointError.badEntry(file: path, tensor: name, reason: "not in this file")
        }
        let raw = bytes(of: info)
        let n = info.elementCount
        let values: [Int]
        switch info.dtype {
        case .i32: values = (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self).littleEndian) }
        case .i64: values = (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self).littleEndian) }
        case .u32: values = (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
        case .u8: values = (0..<n).map { Int(raw.load(fromByteOffset: $0, as: UInt8.self)) }
        default:
            throw CheckpointError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue, wanted: "I32, I64, U32 or U8")
        }
        return (info.shape, values)
    }
}
