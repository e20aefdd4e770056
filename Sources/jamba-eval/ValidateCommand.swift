import ArgumentParser
import Foundation
import JambaEval

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a suite without running a model: keys and types, files, model configs, tokenizers, every record.")

    @Argument(help: "The suite YAML file.")
    var suite: String

    func run() throws {
        let s: Suite
        do { s = try Suite.load(URL(fileURLWithPath: suite)) } catch {
            FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
            throw ExitCode(1)
        }
        let report = SuiteValidator.validate(s)
        for w in report.warnings { FileHandle.standardError.write("\(w)\n".data(using: .utf8)!) }
        for p in report.problems { FileHandle.standardError.write("\(p)\n".data(using: .utf8)!) }
        if !report.problems.isEmpty { throw ExitCode(1) }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let tasks = s.tasks.map { "\($0.name) \(count(report.records[$0.name] ?? 0, "record"))" }.joined(separator: ", ")
        print("\(suite): ok: \(count(s.models.count, "model")), \(count(s.tasks.count, "task")) (\(tasks))")
    }
}
