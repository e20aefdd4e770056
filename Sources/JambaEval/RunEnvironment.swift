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

    /// A property's key in a file's spelling: its own name in the bench and claims reports, in
    /// snake_case in results.json ("openblasCore", "openblas_core").
    struct Key: CodingKey {
        let stringValue: String
        init(_ property: String, run: Bool) {
            stringValue = run ? property.reduce(into: "") { s, c in if c.isUppercase { s += "_" + c.lowercased() } else { s.append(c) } } : property
        }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { return nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let run = c.contains(Key("openblasCore", run: true))
        func key(_ property: String) -> Key { Key(property, run: run) }
        cpu = try c.decode(String.self, forKey: key("cpu"))
        cpuSignature = try c.decodeIfPresent(String.self, forKey: key("cpuSignature"))
        openblasCore = try c.decode(String.self, forKey: key("openblasCore"))
        openblasCoreChoice = try c.decodeIfPresent(String.self, forKey: key("openblasCoreChoice"))
        lastLevelCacheBytes = try c.decodeIfPresent(Int.self, forKey: key("lastLevelCacheBytes"))
        openblasConfig = try c.decode(String.self, forKey: key("openblasConfig"))
        threads = try c.decode(Int.self, forKey: key("threads"))
        date = try c.decode(String.self, forKey: key("date"))
        guard run else { return }
        gitCommit = try c.decode(String.self, forKey: key("gitCommit"))
        commandLine = try c.decode([String].self, forKey: key("commandLine"))
        memoryBytes = try c.decodeIfPresent(Int.self, forKey: key("memoryBytes"))
        host = try c.decodeIfPresent(String.self, forKey: key("host"))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let run = gitCommit != nil
        func key(_ property: String) -> Key { Key(property, run: run) }
        try c.encode(cpu, forKey: key("cpu"))
        try c.encodeIfPresent(cpuSignature, forKey: key("cpuSignature"))
        try c.encode(openblasCore, forKey: key("openblasCore"))
        try c.encodeIfPresent(openblasCoreChoice, forKey: key("openblasCoreChoice"))
        try c.encodeIfPresent(lastLevelCacheBytes, forKey: key("lastLevelCacheBytes"))
        try c.encode(openblasConfig, forKey: key("openblasConfig"))
        try c.encode(threads, forKey: key("threads"))
        try c.encode(date, forKey: key("date"))
        guard let gitCommit else { return }
        try c.encode(gitCommit, forKey: key("gitCommit"))
        try c.encode(commandLine ?? [], forKey: key("commandLine"))
        try c.encodeIfPresent(memoryBytes, forKey: key("memoryBytes"))
        try c.encodeIfPresent(host, forKey: key("host"))
    }
}
