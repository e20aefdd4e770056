import Foundation

/// A claims run held open after its warm-up decode step: timed rounds on request, then its result.
/// The runner keeps one per model and times them in turns, so a change in a shared machine's load
/// hits every model alike.
public protocol ClaimsSession: AnyObject {
    /// Seconds of one timed round of the spec's decode steps.
    func round() throws -> Double
    /// Ends the run and returns its result (peak over the whole run, all rounds).
    func finish() throws -> ClaimsProbe.Result
}

/// Runs each claims probe in a fresh process, so its VmHWM is that run's peak and nothing else's:
/// `executable` + `arguments` + `--probe JSON`; the child prints its ClaimsProbe.Result as JSON on
/// stdout (`jamba-eval claims --probe JSON`). With `--serve` it prints "ready" once its states are
/// decoding, answers each "round" line on stdin with the seconds of one timed round, and prints
/// its result after "end". Its stderr is passed through.
public struct ClaimsChild: Sendable {
    public let executable: URL
    public let arguments: [String]

    public init(executable: URL, arguments: [String]) { self.executable = executable; self.arguments = arguments }

    /// This process's own executable (Linux /proc/self/exe, else argv[0]).
    public static var currentExecutable: URL {
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: proc.path) { return proc.resolvingSymlinksInPath() }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }

    private func launch(_ spec: ClaimsProbe.Spec, serve: Bool) throws -> (Process, FileHandle, LineReader) {
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments + (serve ? ["--serve"] : []) + ["--probe", json]
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        p.standardError = FileHandle.standardError
        try p.run()
        return (p, input.fileHandleForWriting, LineReader(out.fileHandleForReading))
    }

    static func result(_ line: String?, _ spec: ClaimsProbe.Spec) throws -> ClaimsProbe.Result {
        guard let line, let r = try? JSONDecoder().decode(ClaimsProbe.Result.self, from: Data(line.utf8)) else {
            throw RunError.model(name: spec.model, reason: "probe (context \(spec.context), batch \(spec.batch)) printed no result: '\((line ?? "").prefix(200))'")
        }
        return r
    }

    public func measure(_ spec: ClaimsProbe.Spec) throws -> ClaimsProbe.Result {
        let (p, input, reader) = try launch(spec, serve: false)
        try? input.close()
        var last: String?
        while let line = reader.next() { last = line }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw RunError.model(name: spec.model, reason: "probe (context \(spec.context), batch \(spec.batch)) exited with status \(p.terminationStatus)")
        }
        return try Self.result(last, spec)
    }

    /// A held run, or nil when it stopped over the budget before decoding.
    public func session(_ spec: ClaimsProbe.Spec) throws -> ClaimsSession? {
        let (p, input, reader) = try launch(spec, serve: true)
        let first = reader.next()
        if first == "ready" { return Session(process: p, input: input, reader: reader, spec: spec) }
        try? input.close()
        p.waitUntilExit()
        _ = try Self.result(first, spec)
        return nil
    }

    final class Session: ClaimsSession {
        let process: Process, input: FileHandle, reader: LineReader, spec: ClaimsProbe.Spec
        init(process: Process, input: FileHandle, reader: LineReader, spec: ClaimsProbe.Spec) {
            self.process = process; self.input = input; self.reader = reader; self.spec = spec
        }

        func round() throws -> Double {
            try input.write(contentsOf: Data("round\n".utf8))
            let line = reader.next()
            guard let seconds = line.flatMap(Double.init) else {
                throw RunError.model(name: spec.model, reason: "held run (context \(spec.context), batch \(spec.batch)) answered '\(line ?? "nothing")' to a round")
            }
            return seconds
        }

        func finish() throws -> ClaimsProbe.Result {
            try input.write(contentsOf: Data("end\n".utf8))
            try? input.close()
            let line = reader.next()
            process.waitUntilExit()
            return try ClaimsChild.result(line, spec)
        }
    }
}

/// Lines from a pipe, blocking until each is complete; nil at end of file.
final class LineReader {
    let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let i = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<i], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: i)...])
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty {
                if buffer.isEmpty { return nil }
                defer { buffer = Data() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }
}
