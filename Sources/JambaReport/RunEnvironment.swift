import Foundation
import JambaEval
import JambaSupport

/// Where and how a run happened: what makes two results files comparable (or not).
public struct RunEnvironment: Codable, Sendable, Equatable {
    public var cpu: String
    /// CPUID's vendor, family and model; absent in files written before it existed.
    public var cpuSignature: String?
    public var openblasCore: String
    /// How the core was chosen ("chosen by jamba-eval: …", "OPENBLAS_CORETYPE set by the user",
    /// "OpenBLAS's own choice"); absent in older files.
    public var openblasCoreChoice: String?
    /// The largest CPU cache, which the bench's bandwidth calibration is sized from.
    public var lastLevelCacheBytes: Int?
    /// OpenBLAS's own configuration string; it carries the version.
    public var openblasConfig: String
    public var threads: Int
    public var gitCommit: String
    /// ISO 8601, when the run started.
    public var date: String
    /// Physical memory of the machine (MemTotal); absent where /proc/meminfo is not readable.
    public var memoryBytes: Int?
    /// The arguments as given, program name first; kept as a list so nothing is lost to quoting.
    public var commandLine: [String]
    /// The machine's host name (`jamba-eval run` fills it in): with shards on many machines, which
    /// one this was. Absent in files written before it existed.
    public var host: String? = nil

    enum CodingKeys: String, CodingKey {
        case cpu, threads, date
        case cpuSignature = "cpu_signature"
        case openblasCore = "openblas_core"
        case openblasCoreChoice = "openblas_core_choice"
        case lastLevelCacheBytes = "last_level_cache_bytes"
        case openblasConfig = "openblas_config"
        case gitCommit = "git_commit"
        case commandLine = "command_line"
        case memoryBytes = "memory_bytes"
        case host
    }

    public init(cpu: String, openblasCore: String, openblasConfig: String, threads: Int, gitCommit: String,
                date: String, commandLine: [String], memoryBytes: Int? = nil, cpuSignature: String? = nil,
                openblasCoreChoice: String? = nil, lastLevelCacheBytes: Int? = nil) {
        self.cpu = cpu; self.openblasCore = openblasCore; self.openblasConfig = openblasConfig
        self.threads = threads; self.gitCommit = gitCommit; self.date = date; self.commandLine = commandLine
        self.memoryBytes = memoryBytes; self.cpuSignature = cpuSignature; self.openblasCoreChoice = openblasCoreChoice
        self.lastLevelCacheBytes = lastLevelCacheBytes
    }

    /// This machine now: CPU, OpenBLAS and date as the bench reports them, plus what only the CLI knows.
    public static func current(threads: Int, gitCommit: String,
                               commandLine: [String] = CommandLine.arguments) -> RunEnvironment {
        let b = BenchEnvironment.current(threads: threads)
        return RunEnvironment(cpu: b.cpu, openblasCore: b.openblasCore, openblasConfig: b.openblasConfig,
                              threads: threads, gitCommit: gitCommit, date: b.date, commandLine: commandLine,
                              memoryBytes: ProcFS.physicalMemory, cpuSignature: b.cpuSignature,
                              openblasCoreChoice: b.openblasCoreChoice, lastLevelCacheBytes: b.lastLevelCacheBytes)
    }
}
