import Foundation
import JambaJSON

/// A Hugging Face model folder: config.json plus model.safetensors, or the shards listed in
/// model.safetensors.index.json. Every file is memory-mapped and its header validated on open.
public final class Checkpoint: TensorSource, @unchecked Sendable {
    public let folder: URL
    public let files: [SafetensorsFile]
    /// Tensor name → the file holding it.
    private let location: [String: SafetensorsFile]
    /// Tensors handed out so far: after a model is built, the rest are tensors no layer reads.
    private var read = Set<String>()
    private let readLock = NSLock()

    public var origin: String { folder.path }

    public init(folder: URL) throws {
        self.folder = folder
        let fm = FileManager.default
        let single = folder.appendingPathComponent("model.safetensors")
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        var files: [SafetensorsFile] = []
        var location: [String: SafetensorsFile] = [:]
        if fm.fileExists(atPath: index.path) {
            let shardOf = try Self.readIndex(index)
            var opened: [String: SafetensorsFile] = [:]
            for shard in Set(shardOf.values).sorted() {
                let url = folder.appendingPathComponent(shard)
                guard fm.fileExists(atPath: url.path) else {
                    throw CheckpointError.missingShard(index: index.path, shard: shard)
                }
                let file = try SafetensorsFile(path: url.path)
                opened[shard] = file
                files.append(file)
            }
            try Self.refuseDuplicates(files)
            for (name, shard) in shardOf {
                let file = opened[shard]!
                guard file.tensors[name] != nil else {
                    throw CheckpointError.tensorNotInShard(index: index.path, tensor: name, shard: shard)
                }
                location[name] = file
            }
        } else if fm.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(path: single.path)
            files = [file]
            for name in file.tensors.keys { location[name] = file }
        } else {
            throw CheckpointError.noWeights(folder: folder.path)
        }
        self.files = files
        self.location = location
    }

    private static func readIndex(_ url: URL) throws -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.cannotOpen(file: url.path, reason: error.localizedDescription)
        }
        // A tensor named twice in weight_map is refused (JSONSerialization keeps one silently).
        let json: JSONValue
        do {
            json = try data.withUnsafeBytes { try JSONParser.parse($0, options: .init(rejectsDuplicateKeys: true)) }
        } catch let f as JSONParser.Failure {
            throw CheckpointError.badIndex(file: url.path, reason: "not valid JSON at byte \(f.offset): \(f.reason)")
        }
        guard let object = json.objectValue else {
            throw CheckpointError.badIndex(file: url.path, reason: "not a JSON object")
        }
        guard let map = object["weight_map"]?.members else {
            throw CheckpointError.badIndex(file: url.path, reason: "missing object 'weight_map'")
        }
        var out: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value.stringValue, !shard.contains("/"), !shard.isEmpty else {
                throw CheckpointError.badIndex(file: url.path, reason: "weight_map['\(name)'] must be a file name in the folder")
            }
            out[name] = shard
        }
        return out
    }

    /// "N tensors that no layer reads: a, b, …" when a model built from this checkpoint left any
    /// unread (fused and per-expert layouts both count as read when used); nil otherwise.
    public var unreadTensorWarning: String? {
        let unread = unreadTensorNames
        guard !unread.isEmpty else { return nil }
        let shown = unread.prefix(8).joined(separator: ", ") + (unread.count > 8 ? ", … (\(unread.count - 8) more)" : "")
        return "warning: \(folder.path): \(unread.count) tensor\(unread.count == 1 ? "" : "s") that no layer reads: \(shown)"
    }

    public var tensorNames: [String] { location.keys.sorted() }

    public func shape(of name: String) -> [Int]? { location[name]?.tensors[name]?.shape }

    public func info(of name: String) -> TensorInfo? { location[name]?.tensors[name] }

    public func tensor(_ name: String) throws -> Tensor {
        guard let file = location[name] else {
            throw CheckpointError.missingTensor(folder: folder.path, tensor: name, expectedShape: [])
        }
        readLock.lock()
        read.insert(name)
        readLock.unlock()
        return try file.floatTensor(name)
    }

    /// A weight matrix as stored: BF16 and F16 are mapped in place, not copied (SafetensorsFile.matrix).
    public func matrix(_ name: String) throws -> Tensor {
        guard let file = location[name] else {
            throw CheckpointError.missingTensor(folder: folder.path, tensor: name, expectedShape: [])
        }
        readLock.lock()
        read.insert(name)
        readLock.unlock()
        return try file.matrix(name)
    }

    /// Tensors of the files that nothing has read: after a model is built from this checkpoint,
    /// weights no layer of the configuration uses (a config that does not match its weights, or
    /// a checkpoint of another architecture). Sorted.
    public var unreadTensorNames: [String] {
        readLock.lock()
        defer { readLock.unlock() }
        return location.keys.filter { !read.contains($0) }.sorted()
    }

    /// The dtypes stored, most common first (what `inspect` prints).
    public var dtypes: [DType] {
        var count: [DType: Int] = [:]
        for file in files { for info in file.tensors.values { count[info.dtype, default: 0] += info.elementCount } }
        return count.sorted { $0.value > $1.value }.map(\.key)
    }
}
