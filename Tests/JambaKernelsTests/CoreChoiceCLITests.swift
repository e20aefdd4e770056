import XCTest
@testable import JambaKernels

/// The built `jamba-eval` as a user runs it: with no OpenBLAS variable set it must run kernels
/// as wide as this CPU's extensions allow (re-executing itself when OpenBLAS fell back), and it
/// must leave alone a core the user set. Uses the CLI built next to this test bundle.
///
/// Only these child processes get OPENBLAS_CORETYPE, and only to check that a user's value is
/// respected; the tests themselves and CI never set it.
final class CoreChoiceCLITests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hybrid")

    var cli: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("jamba-eval")
    }

    /// `jamba-eval inspect` in a clean environment plus `extra`; returns the core and its reason
    /// from the "openblas: core NAME (REASON), N threads (…)" line. Nil, with a failure, when the
    /// binary is missing: make test builds it beside the tests, so these tests must fail without
    /// it, not pass silently.
    func inspect(_ extra: [String: String] = [:]) throws -> (core: String, reason: String)? {
        guard FileManager.default.isExecutableFile(atPath: cli.path) else {
            XCTFail("\(cli.path) is not built: build the jamba-eval product with the tests (make test does)")
            return nil
        }
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("OPENBLAS_") && !$0.key.hasPrefix("JAMBA_EVAL_")
        }
        env.merge(extra) { $1 }
        let p = Process()
        p.executableURL = cli
        p.arguments = ["inspect", Self.fixture.path, "--threads", "1"]
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        // The reason may hold parentheses of its own: it ends at the last "), " before the threads.
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("openblas: core ") }),
              let open = line.firstIndex(of: "("), let threads = line.range(of: " threads (")?.lowerBound,
              let close = line.range(of: "), ", options: .backwards, range: open..<threads)?.lowerBound
        else { XCTFail("no core line in:\n\(text)"); return ("", "") }
        let core = line[line.index(line.startIndex, offsetBy: "openblas: core ".count)..<open].trimmingCharacters(in: .whitespaces)
        return (core, String(line[line.index(after: open)..<close]))
    }

    var best: String? { OpenBLASCore.best(for: .current, version: OpenBLASCore.version(config: BLAS.configString)) }

    /// No OpenBLAS variable: never a core below what CPUID says this CPU runs.
    func testUnsetRunsTheBestKernelsThisCPUAllows() throws {
        guard case let (core, reason)? = try inspect() else { return }
        XCTAssertTrue(reason == "OpenBLAS's own choice" || reason.hasPrefix("chosen by jamba-eval: "), reason)
        guard let best else { return }   // below AVX2 + FMA, OpenBLAS's choice stands
        let tier = try XCTUnwrap(OpenBLASCore.tier(of: core), "unknown core \(core)")
        XCTAssertGreaterThanOrEqual(tier, OpenBLASCore.tier(of: best)!, "\(core) (\(reason)) on a CPU with \(CPUFeatures.current.summary)")
    }

    /// A value the user set wins, even a slow fallback.
    func testUserSettingIsRespected() throws {
        guard let prescott = try inspect(["OPENBLAS_CORETYPE": "Prescott"]) else { return }
        XCTAssertEqual(prescott.core, "Prescott")
        XCTAssertTrue(prescott.reason.hasPrefix("OPENBLAS_CORETYPE set by the user"), prescott.reason)
        guard CPUFeatures.current.hasAVX2FMA else { return }
        guard let haswell = try inspect(["OPENBLAS_CORETYPE": "Haswell"]) else { return }
        XCTAssertEqual(haswell.core, "Haswell")
        // On an AVX-512 CPU the report adds what the user's setting leaves unused.
        if let best, let tier = OpenBLASCore.tier(of: best), tier > .avx2 {
            XCTAssertTrue(haswell.reason.hasPrefix("OPENBLAS_CORETYPE set by the user; CPUID has "), haswell.reason)
            XCTAssertTrue(haswell.reason.hasSuffix("so this CPU could run \(best)"), haswell.reason)
        } else {
            XCTAssertEqual(haswell.reason, "OPENBLAS_CORETYPE set by the user")
        }
    }

    /// The re-execution itself, on a CPU OpenBLAS knows: the test hook makes jamba-eval take
    /// OpenBLAS's pick for Prescott, and the process that comes back must run the best core.
    func testFallbackIsReplacedByReexecution() throws {
        guard let best else { throw XCTSkip("this CPU has no AVX2 + FMA: nothing better to choose") }
        guard case let (core, reason)? = try inspect(["JAMBA_EVAL_DEBUG_OPENBLAS_REPORTS": "Prescott"]) else { return }
        XCTAssertEqual(core, best)
        XCTAssertTrue(reason.hasPrefix("chosen by jamba-eval: OpenBLAS "), reason)
        XCTAssertTrue(reason.contains("reported Prescott (pretended by JAMBA_EVAL_DEBUG_OPENBLAS_REPORTS)"), reason)
    }
}
