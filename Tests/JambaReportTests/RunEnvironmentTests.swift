import Foundation
import XCTest
@testable import JambaEval
@testable import JambaReport

/// One environment type for two file formats: results.json spells it in snake_case with the
/// commit and command line, the bench and claims reports in camelCase with the machine alone.
/// Committed files of both must keep decoding, and each kind must encode as before.
final class RunEnvironmentTests: XCTestCase {
    static let benchmarks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("benchmarks")

    func keys(_ e: RunEnvironment) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(e)) as! [String: Any]
        return object.keys.sorted()
    }

    func testCommittedBenchmarkFilesDecode() throws {
        let latest = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: Self.benchmarks.appendingPathComponent("latest.json")))
        XCTAssertFalse(latest.environment.openblasCore.isEmpty)
        XCTAssertNil(latest.environment.gitCommit)
        XCTAssertFalse(try Gate.load(Self.benchmarks.appendingPathComponent("baseline.json").path).isEmpty)
        // The claims report's environment alone: the rest of its schema is not this test's.
        struct Environment: Decodable { let environment: RunEnvironment }
        let claims = try JSONDecoder().decode(Environment.self, from: Data(contentsOf: Self.benchmarks.appendingPathComponent("claims.json")))
        XCTAssertEqual(try keys(claims.environment), ["cpu", "date", "openblasConfig", "openblasCore", "threads"])
    }

    func testEachKindEncodesInItsOwnSpellingAndRoundTrips() throws {
        let run = ReportFixtures.environment
        XCTAssertEqual(try keys(run), ["command_line", "cpu", "cpu_signature", "date", "git_commit", "last_level_cache_bytes",
                                       "memory_bytes", "openblas_config", "openblas_core", "openblas_core_choice", "threads"])
        XCTAssertEqual(try JSONDecoder().decode(RunEnvironment.self, from: JSONEncoder().encode(run)), run)
        let bench = RunEnvironment(cpu: run.cpu, openblasCore: run.openblasCore, openblasConfig: run.openblasConfig, threads: 2,
                                   date: run.date, cpuSignature: run.cpuSignature, openblasCoreChoice: run.openblasCoreChoice,
                                   lastLevelCacheBytes: run.lastLevelCacheBytes)
        XCTAssertEqual(try keys(bench), ["cpu", "cpuSignature", "date", "lastLevelCacheBytes", "openblasConfig", "openblasCore",
                                         "openblasCoreChoice", "threads"])
        XCTAssertEqual(try JSONDecoder().decode(RunEnvironment.self, from: JSONEncoder().encode(bench)), bench)
    }
}
