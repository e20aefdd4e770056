import Foundation

/// Runs each claims probe in a fresh process, so its VmHWM is that run's peak and nothing else's:
/// `executable` + `arguments` + the spec as JSON; the child prints its ClaimsProbe.Result as JSON
/// on stdout (`jamba-eval claims --probe JSON`). Its stderr is passed through.
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

    public func measure(_ spec: ClaimsProbe.Spec) throws -> ClaimsProbe.Result {
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments + [json]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw RunError.model(name: spec.model, reason: "probe (context \(spec.context), batch \(spec.batch)) exited with status \(p.terminationStatus)")
        }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        do {
            return try JSONDecoder().decode(ClaimsProbe.Result.self, from: Data(line.utf8))
        } catch {
            throw RunError.model(name: spec.model, reason: "probe printed no result: '\(line.prefix(200))'")
        }
    }
}
