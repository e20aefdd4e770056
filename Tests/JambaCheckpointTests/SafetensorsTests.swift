import XCTest
import JambaSupport
@testable import JambaCheckpoint

final class SafetensorsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A safetensors file from a raw header string and data bytes.
    func file(_ header: String, data: [UInt8] = [], name: String = "t.safetensors", lengthOverride: UInt64? = nil) throws -> String {
        var bytes = [UInt8]()
        var n = (lengthOverride ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { bytes += $0 }
        bytes += Array(header.utf8) + data
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func expectError(_ path: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(path: path), file: file, line: line) { error in
            let text = "\(error)"
            for p in parts { XCTAssertTrue(text.contains(p), "'\(text)' should mention '\(p)'", file: file, line: line) }
        }
    }

    func testRoundTripThroughWriter() throws {
        let a: [Float] = [1, -2, 3.5, 4, 5, 6]
        let b: [Float] = [0.25]
        let url = dir.appendingPathComponent("w.safetensors")
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try SafetensorsWriter.write([.init(name: "a", shape: [2, 3], values: pa), .init(name: "b", shape: [1], values: pb)], to: url)
            }
        }
        let f = try SafetensorsFile(path: url.path)
        XCTAssertEqual(f.tensors["a"]?.shape, [2, 3])
        XCTAssertEqual(try f.floatTensor("a").array, a)
        XCTAssertEqual(try f.floatTensor("b").array, b)
        XCTAssertEqual(f.metadata["format"], "pt")
    }

    /// The header is the bytes Foundation's JSONSerialization (`.sortedKeys`) wrote before the
    /// writer used JambaJSON, so `init` files do not change: names where its numeric,
    /// case-insensitive order differs from String's, a slash, a quote and a control character.
    func testHeaderKeepsJSONSerializationsBytes() throws {
        let names = ["model.layers.10.w", "model.layers.2.w", "D", "conv1d.weight", "A_log", "_x", "a/b", "q\"\u{1}"]
        let shapes = names.indices.map { [$0 + 1, 3] }
        let metadata = ["format": "pt", "Seed": "7", "path": "x/y", "writer": "jamba-eval init"]
        let url = dir.appendingPathComponent("h.safetensors")
        try SafetensorsWriter.write(Array(zip(names, shapes)), dtype: .bf16, metadata: metadata, to: url) { name, body in
            let values = [Float](repeating: 1, count: shapes[names.firstIndex(of: name)!].reduce(1, *))
            try values.withUnsafeBufferPointer { try body($0) }
        }
        var expected: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for (name, shape) in zip(names, shapes).sorted(by: { $0.0 < $1.0 }) {
            let bytes = shape.reduce(1, *) * 2
            expected[name] = ["dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        let reference = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
        let file = try Data(contentsOf: url)
        let length = Int(file.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        let header = file.subdata(in: 8..<(8 + length))
        XCTAssertEqual(String(decoding: header, as: UTF8.self).trimmingCharacters(in: .whitespaces),
                       String(decoding: reference, as: UTF8.self))
    }

    func testConvertsBF16AndF16() throws {
        // bf16 0x3FC0 = 1.5, 0xC000 = -2; f16 0x3C00 = 1, 0xC400 = -4
        let path = try file(#"{"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"h":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}"#,
                            data: [0xC0, 0x3F, 0x00, 0xC0, 0x00, 0x3C, 0x00, 0xC4])
        let f = try SafetensorsFile(path: path)
        XCTAssertEqual(try f.floatTensor("b").array, [1.5, -2])
        XCTAssertEqual(try f.floatTensor("h").array, [1, -4])
    }

    func testTruncatedFile() throws {
        let url = dir.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        expectError(url.path, contains: ["short.safetensors", "truncated"])
    }

    func testHeaderLongerThanFile() throws {
        expectError(try file("{}", lengthOverride: 1 << 40), contains: ["t.safetensors", "exceeds the file"])
    }

    func testHeaderNotJSON() throws {
        expectError(try file("{not json"), contains: ["t.safetensors", "not a valid JSON object", "at byte 9"])
    }

    func testUnknownDType() throws {
        expectError(try file(#"{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
                    contains: ["t.safetensors", "'w'", "Q4"])
    }

    func testOffsetsPastTheData() throws {
        expectError(try file(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [0, 0, 0, 0]),
                    contains: ["'w'", "outside the data section"])
    }

    func testSizeInconsistentWithShape() throws {
        expectError(try file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)),
                    contains: ["'w'", "needs 12 bytes", "span 8"])
    }

    func testOverlappingTensors() throws {
        expectError(try file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                             data: Array(repeating: 0, count: 12)),
                    contains: ["overlaps", "'a'", "'b'"])
    }

    func testNegativeShape() throws {
        expectError(try file(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), contains: ["'w'", "shape"])
    }

    /// Random bytes and every truncation of a valid file must give errors, never crashes.
    func testFuzzedInputsThrowOrParse() throws {
        let valid = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}"#
        var bytes = [UInt8]()
        var n = UInt64(valid.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { bytes += $0 }
        bytes += Array(valid.utf8) + Array(repeating: 0, count: 8)
        var rng = SplitMix64(seed: 7)   // seeded: a failure can be replayed
        for cut in 0..<bytes.count {
            let url = dir.appendingPathComponent("cut.safetensors")
            try Data(bytes[0..<cut]).write(to: url)
            XCTAssertThrowsError(try SafetensorsFile(path: url.path), "cut at \(cut)")
        }
        for _ in 0..<200 {
            var mutated = bytes
            for _ in 0..<3 { mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            let url = dir.appendingPathComponent("fuzz.safetensors")
            try Data(mutated).write(to: url)
            if let f = try? SafetensorsFile(path: url.path) {
                for name in f.tensors.keys { _ = try? f.floatTensor(name) }
            }
        }
    }
}

