/// Everything that can be wrong with a checkpoint folder or a safetensors file. Every case names
/// the file and, where there is one, the tensor, and says what was expected.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    case truncated(file: String, size: Int)
    case headerTooLarge(file: String, headerBytes: UInt64, fileBytes: Int)
    case headerNotJSON(file: String, reason: String)
    case badEntry(file: String, tensor: String, reason: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataBytes: Int)
    case sizeMismatch(file: String, tensor: String, dtype: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case overlap(file: String, tensor: String, other: String)
    case unsupportedDType(file: String, tensor: String, dtype: String, wanted: String)
    case noWeights(folder: String)
    case badIndex(file: String, reason: String)
    case missingShard(index: String, shard: String)
    case tensorNotInShard(index: String, tensor: String, shard: String)
    case duplicateTensor(tensor: String, files: [String])
    case missingTensor(folder: String, tensor: String, expectedShape: [Int])
    case wrongShape(file: String, tensor: String, expectedShape: [Int], actualShape: [Int])
    case writeFailed(file: String, reason: String)
    /// NaN or ±Inf values: how many, and the flat index of the first.
    case nonFinite(file: String, tensor: String, count: Int, first: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason): return "\(file): cannot open: \(reason)"
        case let .truncated(file, size):
            return "\(file): truncated: \(size) bytes, a safetensors file starts with an 8-byte header length"
        case let .headerTooLarge(file, n, size):
            return "\(file): header length \(n) bytes exceeds the file (\(size) bytes in all)"
        case let .headerNotJSON(file, reason): return "\(file): the header is not a valid JSON object: \(reason)"
        case let .badEntry(file, tensor, reason): return "\(file): tensor '\(tensor)': \(reason)"
        case let .unknownDType(file, tensor, dtype): return "\(file): tensor '\(tensor)': unknown dtype '\(dtype)'"
        case let .offsetsOutOfRange(file, tensor, begin, end, bytes):
            return "\(file): tensor '\(tensor)': data_offsets [\(begin), \(end)] outside the data section (\(bytes) bytes)"
        case let .sizeMismatch(file, tensor, dtype, shape, expected, actual):
            return "\(file): tensor '\(tensor)': \(dtype) \(shape) needs \(expected) bytes but data_offsets span \(actual)"
        case let .overlap(file, tensor, other):
            return "\(file): tensor '\(tensor)' overlaps tensor '\(other)'"
        case let .unsupportedDType(file, tensor, dtype, wanted):
            return "\(file): tensor '\(tensor)' is \(dtype); expected \(wanted)"
        case let .noWeights(folder):
            return "\(folder): no model.safetensors or model.safetensors.index.json"
        case let .badIndex(file, reason): return "\(file): \(reason)"
        case let .missingShard(index, shard): return "\(index): shard '\(shard)' does not exist"
        case let .tensorNotInShard(index, tensor, shard):
            return "\(index): tensor '\(tensor)' is mapped to '\(shard)' but that file does not contain it"
        case let .duplicateTensor(tensor, files):
            return "tensor '\(tensor)' appears in more than one file: \(files.joined(separator: ", "))"
        case let .missingTensor(folder, tensor, shape):
            return "\(folder): missing tensor '\(tensor)' (expected shape \(shape))"
        case let .wrongShape(file, tensor, expected, actual):
            return "\(file): tensor '\(tensor)' has shape \(actual), expected \(expected)"
        case let .writeFailed(file, reason): return "\(file): cannot write: \(reason)"
        case let .nonFinite(file, tensor, count, first):
            return "\(file): tensor '\(tensor)' holds \(count) non-finite value\(count == 1 ? "" : "s") (NaN or Inf; the first at flat index \(first))"
        }
    }
}
