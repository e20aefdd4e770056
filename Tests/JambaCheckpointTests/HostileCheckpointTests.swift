import XCTest
@testable import JambaCheckpoint

/// Issue 15: checkpoints written by an attacker or a broken exporter. Each must fail at load with
/// a message naming the file and the tensor or byte, never load silently differently.
final class HostileCheckpointTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A safetensors file from a raw header string and data bytes.
    func file(_ header: String, data: [UInt8] = [], name: String = "t.safetensors") throws -> String {
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
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

    func f32(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }

    func testNonFiniteF32IsNamedWithTensorAndCount() throws {
        // 8-byte header padding keeps the data 4-byte aligned: the mapped (in-place) path.
        var header = #"{"ok":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#
        while (8 + header.utf8.count) % 8 != 0 { header += " " }
        let path = try file(header, data: f32([1, 2, 0.5, .nan, 3, .infinity]))
        let f = try SafetensorsFile(path: path)
        XCTAssertEqual(try f.floatTensor("ok").array, [1, 2])
        XCTAssertThrowsError(try f.floatTensor("w")) { e in
            XCTAssertEqual(e as? CheckpointError, .nonFinite(file: path, tensor: "w", count: 2, first: 1))
            XCTAssertTrue("\(e)".contains("'w' holds 2 non-finite values"), "\(e)")
        }
    }

    func testNonFiniteUnalignedAndConvertedDTypes() throws {
        // Header length 1 mod 4: F32 data unaligned, copied; BF16 0x7FC0 is NaN; F16 0x7C00 is +Inf.
        var header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"h":{"dtype":"F16","shape":[1],"data_offsets":[8,10]}}"#
        while (8 + header.utf8.count) % 4 != 1 { header += " " }
        let path = try file(header, data: f32([-.infinity]) + [0xC0, 0x7F, 0x00, 0x3F] + [0x00, 0x7C])
        let f = try SafetensorsFile(path: path)
        for name in ["a", "b", "h"] {
            XCTAssertThrowsError(try f.floatTensor(name), name) { e in
                XCTAssertEqual(e as? CheckpointError, .nonFinite(file: path, tensor: name, count: 1, first: 0))
            }
        }
    }

    func testDuplicateKeysAreRefusedWithTheirOffset() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let path = try file(header, data: f32([1]))
        // The second "w" starts at header byte 54, file byte 62.
        expectError(path, contains: ["t.safetensors", "at byte 62", "key 'w' appears twice"])
        let inner = #"{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#
        expectError(try file(inner, data: f32([1]), name: "inner.safetensors"), contains: ["key 'dtype' appears twice"])
    }

    func testSyntaxErrorsNameTheByteOffset() throws {
        expectError(try file(#"{"w": {"dtype": "F32",}"#), contains: ["at byte 30", "expected a string key"])
        expectError(try file(#"{"w": 01}"#, name: "b.safetensors"), contains: ["at byte 14", "may not start with 0"])
        expectError(try file("{\"w\u{0}x\": 1}", name: "nul.safetensors"), contains: ["at byte 11", "control character 0x0"])
        expectError(try file(#"{"w\u0000": 1}"#, name: "esc.safetensors"), contains: ["\\u0000"])
        expectError(try file(String(repeating: "[", count: 100_000), name: "deep.safetensors"), contains: ["nesting deeper"])
    }

    func testMetadataMustBeStringsAndShapesIntegers() throws {
        expectError(try file(#"{"__metadata__":{"format":1}}"#), contains: ["__metadata__", "'format' must be a string"])
        expectError(try file(#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: f32([1]), name: "s.safetensors"),
                    contains: ["'shape' must be a list of non-negative integers"])
        expectError(try file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}}"#, data: f32([1]), name: "o.safetensors"),
                    contains: ["'data_offsets' must be two integers"])
    }

    func testUnreadTensorsAreListed() throws {
        let folder = dir.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let values: [Float] = [1, 2]
        try values.withUnsafeBufferPointer { p in
            try SafetensorsWriter.write(["used", "extra.b", "extra.a"].map { .init(name: $0, shape: [2], values: p) },
                                        to: folder.appendingPathComponent("model.safetensors"))
        }
        let c = try Checkpoint(folder: folder)
        _ = try c.tensor("used")
        XCTAssertEqual(c.unreadTensorNames, ["extra.a", "extra.b"])
        XCTAssertTrue(c.unreadTensorWarning?.contains("2 tensors that no layer reads: extra.a, extra.b") == true, c.unreadTensorWarning ?? "nil")
        _ = try c.tensor("extra.a"); _ = try c.tensor("extra.b")
        XCTAssertNil(c.unreadTensorWarning)
    }
}
