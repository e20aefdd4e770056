import Foundation
import JambaEval

/// Which suite produced a results file, and a fingerprint of it, so two results files can be told
/// apart (or matched) without rereading the suites.
public struct SuiteInfo: Codable, Sendable, Equatable {
    public var name: String
    /// The suite file as it was given on the command line.
    public var file: String
    /// The runner's hash of the suite and models (the one in the samples headers).
    public var fingerprint: String
    /// Task names in suite order: the order of every table, so a report reads like its suite.
    public var tasks: [String]

    public init(name: String, file: String, fingerprint: String, tasks: [String]) {
        self.name = name; self.file = file; self.fingerprint = fingerprint; self.tasks = tasks
    }

    public init(suite: Suite, fingerprint: String) {
        self.init(name: suite.name, file: suite.file.path, fingerprint: fingerprint, tasks: suite.tasks.map(\.name))
    }
}
