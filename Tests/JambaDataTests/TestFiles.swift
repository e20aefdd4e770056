import Foundation
import XCTest
@testable import JambaData

/// Temporary folders and raw zstd files for the tests. Raw (non-record) bytes go through the
/// module's own ZstdSink, so malformed lines can be put inside valid frames.
enum TestFiles {
    /// `inMemory`: use /dev/shm where there is one. Tests that rewrite a small file hundreds of
    /// times ask for it: on a disk each truncation waits for a discard (4 s instead of 0.1 s).
    /// The folder is removed when `test` finishes.
    static func temporaryDirectory(for test: XCTestCase, _ name: String = #function, inMemory: Bool = false) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        var isDirectory: ObjCBool = false
        let shm = inMemory && FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory) && isDirectory.boolValue
        let url = (shm ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory)
            .appendingPathComponent("jambadata-\(safe)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writes `frames` as one .zst file, each element its own zstd frame.
    static func writeZstd(_ frames: [[UInt8]], to path: String, level: Int = 3) throws {
        let file = try RawFile.create(path)
        let sink = try ZstdSink(file: file, level: level)
        for f in frames {
            try f.withUnsafeBytes { try sink.write($0) }
            try sink.endFrame()
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data")
    }

    /// Runs `body` and returns the DataError it throws (failing the test if it throws none).
    static func dataError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> DataError? {
        do {
            try body()
            XCTFail("expected a DataError, got none", file: file, line: line)
        } catch let e as DataError {
            return e
        } catch {
            XCTFail("expected a DataError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
