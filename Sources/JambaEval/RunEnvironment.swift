import Foundation
import JambaKernels
import JambaSupport

/// Where and how a run or a benchmark happened: what makes two results comparable (or not).
///
/// Two kinds of file record it, each in its own spelling, and both keep it: results.json's
/// `environment` (a run: snake_case keys, with the commit and command line) and the bench and
/// claims reports, also results.json's `throughput` (the machine alone: camelCase keys, as
/// tools/peers and the committed benchmarks/*.json have them). Either spelling decodes; a value
/// with a commit is a run's and encodes as results.json does, one without as the bench reports do.
public struct RunEnvironment: Codable, Sendable, Equatable {
    /// The brand string of /proc/cpuinfo ("AMD EPYC"; hypervisors may shorten it).
    public var cpu: String
    /// CPUID's vendor, family and model ("GenuineIntel family 6 model 207"): which CPU this is
    /// when the brand string does not say; absent in files written before it existed.
    public var cpuSignature: String?
    public var openblasCore: String
    /// How the core was chosen ("chosen by jamba-eval: …", "OPENBLAS_CORETYPE set by the user",
    /// "OpenBLAS's own choice"); absent in older files.
    public var openblasCoreChoice: String?
    /// The largest CPU cache, which the bench's bandwidth calibration is sized from; absent when unknown.
    public var lastLevelCacheBytes: Int?
    /// OpenBLAS's own configuration string; it carries the version.
    public var openblasConfig: String
    public var threads: Int
    /// ISO 8601, when the run started.
    public var date: String
    /// The jamba-eval commit of a run ("" when unknown); nil for a benchmark's machine alone.
    public var gitCommit: String?
    /// A run's arguments as given, program name first; kept as a list so nothing is lost to quoting.
    public var commandLine: [String]?
    /// Physical memory of the machine (MemTotal); absent where /proc/meminfo is not readable.
    public var memoryBytes: Int?
    /// The machine's host name (`jamba-eval run` fills it in): with shards on many machines, which
    /// one this was. Absent in files written before it existed.
    public var host: String?

    public init(cpu: String, openblasCore: String, openblasConfig: String, threads: Int, gitCommit: String? = nil,
                date: String, commandLine: [String]? = nil, memoryBytes: Int? = nil, cpuSignature: String? = nil,
                openblasCoreChoice: String? = nil, lastLevelCacheBytes: Int? = nil, host: String? = nil) {
        self.cpu = cpu; self.openblasCore = openblasCore; self.openblasConfig = openblasConfig
        self.threads = threads; self.gitCommit = gitCommit; self.date = date; self.commandLine = commandLine
        self.memoryBytes = memoryBytes; self.cpuSignature = cpuSignature; self.openblasCoreChoice = openblasCoreChoice
        self.lastLevelCacheBytes = lastLevelCacheBytes; self.host = host
    }

    /// This machine now: CPU, OpenBLAS core and cache, and the date (what a benchmark records).
    public static func current(threads: Int) -> RunEnvironment {
        let choice = CoreChoice.current
        return RunEnvironment(cpu: ProcFS.cpuModelName ?? "unknown", openblasCore: choice.core, openblasConfig: BLAS.configString,
                              threads: threads, date: ISO8601DateFormatter().string(from: Date()),
                              cpuSignature: CPUFeatures.current.signature, openblasCoreChoice: choice.reason,
                              lastLevelCacheBytes: LastLevelCache.bytes)
    }

    /// This machine now as a run records it: the machine plus what only the CLI knows.
    public static func current(threads: Int, gitCommit: String,
                               commandLine: [String] = CommandLine.arguments) -> RunEnvironment {
        var e = current(threads: threads)
        e.gitCommit = gitCommit
        e.commandLine = commandLine
        e.memoryBytes = ProcFS.physicalMemory
        return e
    }

    /// "AMD EPYC (AuthenticAMD family 25 model 1)": the brand string and, when known, the signature.
    public var cpuDescription: String { cpuSignature.map { "\(cpu) (\($0))" } ?? cpu }

    /// "Zen (OpenBLAS's own choice)": the core and, when known, how it was chosen.
    public var coreDescription: String { openblasCoreChoice.map { "\(openblasCore) (\($0))" } ?? openblasCore }

    /// results.json's spelling.
    enum RunKeys: String, CodingKey {
        case cpu, threads, date, host
        case cpuSignature = "cpu_signature"
        case openblasCore = "openblas_core"
        case openblasCoreChoice = "openblas_core_choice"
        case lastLevelCacheBytes = "last_level_cache_bytes"
        case openblasConfig = "openblas_config"
        case gitCommit = "git_commit"
        case commandLine = "command_line"
        case memoryBytes = "memory_bytes"
    }

    /// The bench and claims reports' spelling (the property names).
    enum BenchKeys: String, CodingKey {
        case cpu, threads, date, cpuSignature, openblasCore, openblasCoreChoice, lastLevelCacheBytes, openblasConfig
    }

    public init(from decoder: Decoder) throws {
        let run = try decoder.container(keyedBy: RunKeys.self)
        if run.contains(.openblasCore) {
            self.init(cpu: try run.decode(String.self, forKey: .cpu), openblasCore: try run.decode(String.self, forKey: .openblasCore),
                      openblasConfig: try run.decode(String.self, forKey: .openblasConfig), threads: try run.decode(Int.self, forKey: .threads),
                      gitCommit: try run.decode(String.self, forKey: .gitCommit), date: try run.decode(String.self, forKey: .date),
                      commandLine: try run.decode([String].self, forKey: .commandLine),
                      memoryBytes: try run.decodeIfPresent(Int.self, forKey: .memoryBytes),
                      cpuSignature: try run.decodeIfPresent(String.self, forKey: .cpuSignature),
                      openblasCoreChoice: try run.decodeIfPresent(String.self, forKey: .openblasCoreChoice),
                      lastLevelCacheBytes: try run.decodeIfPresent(Int.self, forKey: .lastLevelCacheBytes),
                      host: try run.decodeIfPresent(String.self, forKey: .host))
        } else {
            let bench = try decoder.container(keyedBy: BenchKeys.self)
            self.init(cpu: try bench.decode(String.self, forKey: .cpu), openblasCore: try bench.decode(String.self, forKey: .openblasCore),
                      openblasConfig: try bench.decode(String.self, forKey: .openblasConfig), threads: try bench.decode(Int.self, forKey: .threads),
                      date: try bench.decode(String.self, forKey: .date),
                      cpuSignature: try bench.decodeIfPresent(String.self, forKey: .cpuSignature),
                      openblasCoreChoice: try bench.decodeIfPresent(String.self, forKey: .openblasCoreChoice),
                      lastLevelCacheBytes: try bench.decodeIfPresent(Int.self, forKey: .lastLevelCacheBytes))
        }
    }

    public func encode(to encoder: Encoder) throws {
        guard let gitCommit else {
            var bench = encoder.container(keyedBy: BenchKeys.self)
            try bench.encode(cpu, forKey: .cpu)
            try bench.encode(openblasCore, forKey: .openblasCore)
            try bench.encode(openblasConfig, forKey: .openblasConfig)
            try bench.encode(threads, forKey: .threads)
            try bench.encode(date, forKey: .date)
            try bench.encodeIfPresent(cpuSignature, forKey: .cpuSignature)
            try bench.encodeIfPresent(openblasCoreChoice, forKey: .openblasCoreChoice)
            try bench.encodeIfPresent(lastLevelCacheBytes, forKey: .lastLevelCacheBytes)
            return
        }
        var run = encoder.container(keyedBy: RunKeys.self)
        try run.encode(cpu, forKey: .cpu)
        try run.encode(openblasCore, forKey: .openblasCore)
        try run.encode(openblasConfig, forKey: .openblasConfig)
        try run.encode(threads, forKey: .threads)
        try run.encode(gitCommit, forKey: .gitCommit)
        try run.encode(date, forKey: .date)
        try run.encode(commandLine ?? [], forKey: .commandLine)
        try run.encodeIfPresent(memoryBytes, forKey: .memoryBytes)
        try run.encodeIfPresent(cpuSignature, forKey: .cpuSignature)
        try run.encodeIfPresent(openblasCoreChoice, forKey: .openblasCoreChoice)
        try run.encodeIfPresent(lastLevelCacheBytes, forKey: .lastLevelCacheBytes)
        try run.encodeIfPresent(host, forKey: .host)
    }
}
