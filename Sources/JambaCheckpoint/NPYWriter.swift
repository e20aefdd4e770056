import Foundation

/// Writes NumPy .npy files (format 1.0, little-endian float32, C order): how `forward` hands logits
/// to anyone comparing engines (numpy.load reads them).
public enum NPYWriter {
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        precondition(values.count == shape.reduce(1, *), "npy: values do not match the shape")
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // Magic (6) + version (2) + length (2) + header + newline must be a multiple of 64.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        do { try data.write(to: url) } catch {
            throw CheckpointError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }
}
