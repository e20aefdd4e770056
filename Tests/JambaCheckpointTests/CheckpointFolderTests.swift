import XCTest
@testable import JambaCheckpoint

final class CheckpointFolderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ tensors: [String: [Float]]) throws {
        let arrays = tensors.sorted { $0.key < $1.key }
        var entries: [SafetensorsWriter.Entry] = []
        var keep: [UnsafeMutableBufferPointer<Float>] = []
        for (n, v) in arrays {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: v.count)
            _ = p.initialize(from: v)
            keep.append(p)
            entries.append(.init(name: n, shape: [v.count], values: UnsafeBufferPointer(p)))
        }
        defer { keep.forEach { $0.deallocate() } }
        try SafetensorsWriter.write(entries, to: dir.appendingPathComponent(name))
    }

    func index(_ map: [String: String]) throws {
        let json = try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": map])
        try json.write(to: dir.appendingPathComponent("model.safetensors.index.json"))
    }

    func testShardedFolder() throws {
        try write("s1.safetensors", ["a": [1, 2]])
        try write("s2.safetensors", ["b": [3]])
        try index(["a": "s1.safetensors", "b": "s2.safetensors"])
        let ck = try Checkpoint(folder: dir)
        XCTAssertEqual(ck.tensorNames, ["a", "b"])
        XCTAssertEqual(try ck.tensor("b").array, [3])
        XCTAssertEqual(try ck.tensor("a", shape: [2]).array, [1, 2])
    }

    func testMissingShardIsNamed() throws {
        try write("s1.safetensors", ["a": [1]])
        try index(["a": "s1.safetensors", "b": "s9.safetensors"])
        XCTAssertThrowsError(try Checkpoint(folder: dir)) { XCTAssertTrue("\($0)".contains("s9.safetensors")) }
    }

    func testIndexNamingATensorTheShardLacks() throws {
        try write("s1.safetensors", ["a": [1]])
        try index(["a": "s1.safetensors", "zz": "s1.safetensors"])
        XCTAssertThrowsError(try Checkpoint(folder: dir)) { e in
            XCTAssertTrue("\(e)".contains("'zz'") && "\(e)".contains("s1.safetensors"), "\(e)")
        }
    }

    /// The same tensor in two shards is refused, naming both files, even though the index picks one.
    func testTensorInTwoShardsIsRefused() throws {
        try write("s1.safetensors", ["a": [1]])
        try write("s2.safetensors", ["a": [2], "b": [3]])
        try index(["a": "s1.safetensors", "b": "s2.safetensors"])
        XCTAssertThrowsError(try Checkpoint(folder: dir)) { e in
            guard case let CheckpointError.duplicateTensor(tensor, files) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(tensor, "a")
            XCTAssertEqual(files.map { URL(fileURLWithPath: $0).lastPathComponent }, ["s1.safetensors", "s2.safetensors"])
        }
    }

    /// A tensor named twice in weight_map is an error with its byte offset, not one of the two kept.
    func testIndexNamingATensorTwiceIsRefused() throws {
        try write("s1.safetensors", ["a": [1]])
        try write("s2.safetensors", ["b": [1]])
        let json = #"{"weight_map": {"a": "s1.safetensors", "a": "s2.safetensors"}}"#
        try Data(json.utf8).write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        XCTAssertThrowsError(try Checkpoint(folder: dir)) { e in
            XCTAssertTrue("\(e)".contains("at byte 39") && "\(e)".contains("key 'a' appears twice"), "\(e)")
        }
    }

    func testFolderWithoutWeights() throws {
        XCTAssertThrowsError(try Checkpoint(folder: dir)) { XCTAssertTrue("\($0)".contains("no model.safetensors")) }
    }

    func testMissingAndMisshapenTensorsNameTheTensorAndShape() throws {
        try write("model.safetensors", ["a": [1, 2, 3]])
        let ck = try Checkpoint(folder: dir)
        XCTAssertThrowsError(try ck.tensor("b", shape: [4, 2])) { e in
            XCTAssertTrue("\(e)".contains("'b'") && "\(e)".contains("[4, 2]"), "\(e)")
        }
        XCTAssertThrowsError(try ck.tensor("a", shape: [2])) { e in
            XCTAssertTrue("\(e)".contains("'a'") && "\(e)".contains("[3]") && "\(e)".contains("expected [2]"), "\(e)")
        }
    }

    func testNPYHeaderIsNumPyFormat() throws {
        let url = dir.appendingPathComponent("x.npy")
        try NPYWriter.write([1, 2, 3, 4, 5, 6], shape: [1, 2, 3], to: url)
        let data = try Data(contentsOf: url)
        XCTAssertEqual(Array(data[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (1, 2, 3)"))
        XCTAssertEqual(data.count, 10 + headerLength + 24)
    }
}
