import Foundation

/// A Hugging Face model folder: config.json plus model.safetensors, or the shards listed in
/// model.safetensors.index.json. Every file is memory-mapped and its header validated on open.
public final class Checkpoint: TensorSource, @unchecked Sendable {
    public let folder: URL
    public let files: [SafetensorsFile]
    /// Tensor name → the file holding it.
    private let location: [String: SafetensorsFile]

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
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CheckpointError.badIndex(file: url.path, reason: "not a JSON object")
        }
        guard let map = object["weight_map"] as? [String: Any] else {
            throw CheckpointError.badIndex(file: url.path, reason: "missing object 'weight_map'")
        }
        var out: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value as? String, !shard.contains("/"), !shard.isEmpty else {
                throw CheckpointError.badIndex(file: url.path, reason: "weight_map['\(name)'] must be a file name in the folder")
            }
            out[name] = shard
        }
        return out
    }

    public var tensorNames: [String] { location.keys.sorted() }

    public func shape(of name: String) -> [Int]? { location[name]?.tensors[name]?.shape }

    public func info(of name: String) -> TensorInfo? { location[name]?.tensors[name] }

    public func tensor(_ name: String) throws -> Tensor {
        guard let file = location[name] else {
            throw CheckpointError.missingTensor(folder: folder.path, tensor: name, expectedShape: [])
        }
        return try file.floatTensor(name)
    }

    /// The dtypes stored, most common first (what `inspect` prints).
    public var dtypes: [DType] {
        var count: [DType: Int] = [:]
        for file in files { for info in file.tensors.values { count[info.dtype, default: 0] += info.elementCount } }
        return count.sorted { $0.value > $1.value }.map(\.key)
    }
}
