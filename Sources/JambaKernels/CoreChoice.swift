import Foundation

/// The OpenBLAS core (kernel family) this process runs, and how it came to be chosen.
///
/// OpenBLAS picks its core while the library loads, before `main`, from OPENBLAS_CORETYPE or
/// else the CPU model number. When it falls back to a core below what CPUID says the CPU runs
/// (an Intel Xeon that 0.3.21 does not know gets Prescott, 5× slower), jamba-eval re-executes
/// itself once with OPENBLAS_CORETYPE set to the best core, so a user never needs to know
/// OpenBLAS exists; a value the user set is left alone. Every report states the result.
public struct CoreChoice: Sendable, Equatable, CustomStringConvertible {
    public enum Origin: String, Sendable {
        case openblas
        case user
        case jambaEval = "jamba-eval"
    }

    /// The core OpenBLAS runs (openblas_get_corename()).
    public let core: String
    public let origin: Origin
    /// Why, in words: "chosen by jamba-eval: OpenBLAS 0.3.21 reported Prescott for this CPU; CPUID has …".
    public let reason: String

    /// "SkylakeX (chosen by jamba-eval: …)", as reports print it.
    public var description: String { "\(core) (\(reason))" }

    public static let coretypeVariable = "OPENBLAS_CORETYPE"
    /// Set for the re-executed process to "CHOSEN:REPORTED" (the core jamba-eval chose, the one
    /// OpenBLAS had picked). Its presence stops a second re-execution; the process reads both
    /// names back to say why it runs the core it runs, and OPENBLAS_CORETYPE differing from
    /// CHOSEN means the user changed it since.
    public static let markerVariable = "JAMBA_EVAL_OPENBLAS_CHOICE"
    /// Test hook: makes jamba-eval treat OpenBLAS's pick as this core, so the re-execution can be
    /// exercised on a CPU OpenBLAS knows. Reports name it whenever it played a part.
    public static let debugReportsVariable = "JAMBA_EVAL_DEBUG_OPENBLAS_REPORTS"

    /// Everything the choice depends on, read once at start.
    public struct Situation: Sendable, Equatable {
        /// openblas_get_corename() of the loaded library.
        public var loaded: String
        /// OPENBLAS_CORETYPE as found in the environment.
        public var coretype: String?
        /// markerVariable as found in the environment.
        public var marker: String?
        /// debugReportsVariable as found in the environment.
        public var pretend: String?
        public var cpu: CPUFeatures
        /// openblas_get_config(): version and whether the build is DYNAMIC_ARCH.
        public var config: String

        public init(loaded: String, coretype: String?, marker: String?, pretend: String? = nil, cpu: CPUFeatures, config: String) {
            self.loaded = loaded; self.coretype = coretype; self.marker = marker; self.pretend = pretend
            self.cpu = cpu; self.config = config
        }

        public static func current() -> Situation {
            let env = ProcessInfo.processInfo.environment
            return Situation(loaded: BLAS.coreName, coretype: env[coretypeVariable], marker: env[markerVariable],
                             pretend: env[debugReportsVariable], cpu: .current, config: BLAS.configString)
        }

        /// The core OpenBLAS reported before any re-execution: the loaded one, unless the test
        /// hook pretends otherwise.
        var reported: String { pretend.flatMap { $0.isEmpty ? nil : $0 } ?? loaded }
        var userSet: Bool { !(coretype ?? "").isEmpty }
        var version: [Int]? { OpenBLASCore.version(config: config) }
        var versionName: String { version.map { "OpenBLAS " + $0.map(String.init).joined(separator: ".") } ?? "OpenBLAS" }
        var best: String? { OpenBLASCore.best(for: cpu, version: version) }

        /// The marker's two names, when it is well formed.
        var markerNames: (chosen: String, reported: String)? {
            guard let parts = marker?.split(separator: ":", omittingEmptySubsequences: false), parts.count == 2,
                  !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            return (String(parts[0]), String(parts[1]))
        }

        /// Whether `core` is below the best core this CPU and OpenBLAS allow.
        func isBelowBest(_ core: String) -> Bool {
            guard let t = OpenBLASCore.tier(of: core), let b = best, let bt = OpenBLASCore.tier(of: b) else { return false }
            return t < bt
        }
    }

    public enum Action: Equatable, Sendable {
        case keep
        /// Re-execute with OPENBLAS_CORETYPE = core and the marker variable = marker.
        case reexec(core: String, marker: String)
    }

    /// Whether to re-execute: only once (no marker yet), only when the user left
    /// OPENBLAS_CORETYPE unset, only for a DYNAMIC_ARCH build, and only when OpenBLAS's pick is a
    /// core jamba-eval knows and ranks below the best one the CPU runs and OpenBLAS accepts.
    public static func plan(_ s: Situation) -> Action {
        guard s.marker == nil, !s.userSet, OpenBLASCore.isDynamic(config: s.config),
              let best = s.best, s.isBelowBest(s.reported) else { return .keep }
        return .reexec(core: best, marker: "\(best):\(s.reported)")
    }

    /// The core running now and why, for inspect, bench and the reports.
    public static func describe(_ s: Situation) -> CoreChoice {
        let cpuid = "CPUID has \(s.cpu.summary)"
        if let m = s.markerNames, s.coretype?.lowercased() == m.chosen.lowercased() {
            let pretended = s.pretend == m.reported ? " (pretended by \(debugReportsVariable))" : ""
            let why = "\(s.versionName) reported \(m.reported)\(pretended) for this CPU; \(cpuid)"
            guard s.loaded.lowercased() == m.chosen.lowercased() else {
                return CoreChoice(core: s.loaded, origin: .jambaEval,
                                  reason: "jamba-eval asked for \(m.chosen) because \(why), but OpenBLAS loaded \(s.loaded)")
            }
            var reason = "chosen by jamba-eval: \(why)"
            if s.cpu.avx512bf16, m.chosen.lowercased() == "skylakex", !OpenBLASCore.acceptsByName("Cooperlake", version: s.version) {
                reason += "; this OpenBLAS does not accept Cooperlake by name, whose sgemm kernels these are"
            }
            return CoreChoice(core: s.loaded, origin: .jambaEval, reason: reason)
        }
        let couldRun = s.isBelowBest(s.loaded) ? "; \(cpuid), so this CPU could run \(s.best!)" : ""
        if s.userSet {
            return CoreChoice(core: s.loaded, origin: .user, reason: "\(coretypeVariable) set by the user\(couldRun)")
        }
        let fixed = OpenBLASCore.isDynamic(config: s.config) || couldRun.isEmpty ? "" : ", a single-core build"
        return CoreChoice(core: s.loaded, origin: .openblas, reason: "OpenBLAS's own choice\(fixed)\(couldRun)")
    }

    /// This process's core and why; computed once.
    public static let current = describe(.current())

    /// Re-executes this program (/proc/self/exe, the same arguments) with the best core when
    /// `plan` says so; returns when it does not, or when execve fails (after a warning: the run
    /// goes on with OpenBLAS's pick rather than not at all). Call first thing in `main`, before
    /// any thread or output exists.
    public static func reexecIfNeeded() {
        let s = Situation.current()
        guard case .reexec(let core, let marker) = plan(s) else { return }
        if let p = s.pretend, !p.isEmpty {
            FileHandle.standardError.write("WARNING: \(debugReportsVariable) is set: jamba-eval treats OpenBLAS's core as \(p)\n".data(using: .utf8)!)
        }
        setenv(coretypeVariable, core, 1)
        setenv(markerVariable, marker, 1)
        fflush(nil)
        execve("/proc/self/exe", CommandLine.unsafeArgv, environ)
        let error = String(cString: strerror(errno))
        if let before = s.coretype { setenv(coretypeVariable, before, 1) } else { unsetenv(coretypeVariable) }
        unsetenv(markerVariable)
        FileHandle.standardError.write("jamba-eval: could not re-execute with \(coretypeVariable)=\(core) (\(error)); running OpenBLAS's \(s.loaded) kernels\n".data(using: .utf8)!)
    }
}
