/// Checking a sharded folder's shards against each other.
extension Checkpoint {
    /// A tensor stored in two shards is refused even when the index names one of them: which copy
    /// another loader takes is up to it (transformers reads the index, a safetensors-only tool
    /// the files in turn), so the same folder could mean two models. Files in shard order, names
    /// sorted, so the error is the same on every run.
    static func refuseDuplicates(_ files: [SafetensorsFile]) throws {
        var holder: [String: String] = [:]
        for file in files {
            for name in file.tensors.keys.sorted() {
                if let other = holder.updateValue(file.path, forKey: name) {
                    throw CheckpointError.duplicateTensor(tensor: name, files: [other, file.path])
                }
            }
        }
    }
}
