import ArgumentParser
import Foundation
import JambaEval
import JambaReport

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Fail when throughput regressed against a committed baseline (exit 0 ok, 2 regressed, 1 bad input).",
        discussion: """
            Compares median model FLOP utilisation and the median hybrid ÷ baseline speed ratio, test by \
            test. CURRENT is `bench --json` output or a results.json from `run`. The baseline file may \
            hold one report per CPU model, OpenBLAS core and thread count; the matching one is used \
            (without one, only the ratios gate). Several CURRENT files are one run and the runs that \
            re-measured it: a quantity fails only if it regressed in every one (`make gate` measures \
            again when the first run regressed, since a neighbour's burst on a shared machine can \
            span one run).
            """)

    @Argument(help: "The current bench or results JSON; more files re-measure it (a quantity fails only if it regressed in all), or with --update are pooled.")
    var current: [String]

    @Option(help: "The committed baseline JSON.")
    var baseline: String = "benchmarks/baseline.json"

    @Option(help: "Allowed relative drop before a quantity counts as regressed.")
    var tolerance: Double = 0.10

    @Flag(help: "Write CURRENT into the baseline file (for its CPU model, OpenBLAS core and threads) instead of comparing.")
    var update = false

    func run() throws {
        do {
            guard tolerance >= 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in [0, 1)") }
            var now: [BenchReport] = []
            for file in current {
                let reports = try Gate.load(file)
                guard reports.count == 1 else { throw ReportError.malformed(file: file, reason: "holds \(reports.count) reports; expected one") }
                now += reports
            }
            if update {
                let pooled = BenchReport.pooled(now)!
                let existing = FileManager.default.fileExists(atPath: baseline) ? try Gate.load(baseline) : []
                try Gate.save(Gate.updated(existing, with: pooled), to: baseline)
                print("updated \(baseline) for \(Gate.setup(pooled.environment)) (\(now.count) runs pooled)")
                return
            }
            guard let outcome = Gate.compare(runs: now, baselines: try Gate.load(baseline), tolerance: tolerance) else {
                throw ReportError.malformed(file: baseline, reason: "holds no report")
            }
            print(outcome.markdown)
            if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
        } catch let e as ReportError {
            FileHandle.standardError.write("jamba-eval gate: \(e)\n".data(using: .utf8)!)
            throw ExitCode(1)
        }
    }
}
