import Foundation

/// Writes Float32 tensors as a safetensors file that transformers (and `SafetensorsFile`) read.
public enum SafetensorsWriter {
    public struct Entry {
        public let name: String
        public let shape: [Int]
        public let values: UnsafeBufferPointer<Float>
        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            self.name = name; self.shape = shape; self.values = values
        }
    }

    public static func write(_ entries: [Entry], metadata: [String: String] = ["format": "pt"], to url: URL) throws {
        let sorted = entries.sorted { $0.name < $1.name }
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for e in sorted {
            precondition(e.values.count == e.shape.reduce(1, *), "tensor \(e.name): shape does not match values")
            header[e.name] = ["dtype": "F32", "shape": e.shape, "data_offsets": [offset, offset + 4 * e.values.count]]
            offset += 4 * e.values.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data section starts 8-byte aligned (F32 tensors then map in place).
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw CheckpointError.writeFailed(file: url.path, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        do {
            var n = UInt64(json.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &n, count: 8))
            try handle.write(contentsOf: json)
            for e in sorted where e.values.count > 0 {
                try handle.write(contentsOf: Data(buffer: e.values))
            }
        } catch {
            throw CheckpointError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }
}
