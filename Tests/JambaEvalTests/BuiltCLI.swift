import XCTest

/// The jamba-eval binary built next to this test bundle (make test builds both), for the tests that
/// run the command line as a user does.
enum BuiltCLI {
    /// The repository root, the directory the commands run from.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("jamba-eval")
    }

    /// Whether the binary is there; a failure when not, so these tests fail rather than pass silently.
    static func isBuilt(file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            XCTFail("\(url.path) is not built: build the jamba-eval product with the tests (make test does)", file: file, line: line)
            return false
        }
        return true
    }

    enum Stream { case stdout, stderr }

    /// Runs `args` from the repository root to the end: the exit status and the text of one stream
    /// (the other is discarded, so neither pipe can fill and stall the child).
    static func run(_ args: [String], capture: Stream) throws -> (status: Int32, text: String) {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        p.currentDirectoryURL = root
        let pipe = Pipe()
        p.standardOutput = capture == .stdout ? pipe : FileHandle.nullDevice
        p.standardError = capture == .stderr ? pipe : FileHandle.nullDevice
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}
