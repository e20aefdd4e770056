import ArgumentParser
import Foundation
import JambaEval
import JambaReport

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite: every model on every task, then the throughput probes; write results.json, summary.md, CSVs and SVG charts.",
        discussion: """
            Samples are appended to OUTPUT/samples/<model>/<task>.jsonl after every batch: rerunning \
            the same suite into the same folder skips what is recorded, so a killed run loses at most \
            the batch in flight. Samples written for a different suite, model or data are refused \
            unless --fresh is given.
            """)

    @Argument(help: "The suite YAML file.")
    var suite: String

    @Option(help: "Output folder (default: the suite's 'output').")
    var output: String?

    @Flag(help: "Discard samples recorded by an earlier run instead of resuming.")
    var fresh = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @Flag(help: "Skip the throughput probes.")
    var noThroughput = false

    @Option(help: "Threads for OpenBLAS and the engine's kernels (default: the suite's settings.threads).")
    var threads: Int?

    func validate() throws {
        if let t = threads, let p = Limits.problem(t, Limits.threads) { throw ValidationError("--threads \(p)") }
    }

    func run() throws {
        var s = try Suite.load(URL(fileURLWithPath: suite))
        if let output { s.output = URL(fileURLWithPath: output) }
        if noThroughput { s.throughput = nil }
        if let threads { s.settings.threads = threads }
        let runner = Runner(suite: s, options: Runner.Options(fresh: fresh, quiet: quiet))
        let out = try runner.run()
        let results = try RunResults.build(
            samples: out.samples,
            models: out.models.map { ModelInfo($0.spec, model: $0.model) },
            suite: SuiteInfo(suite: s, fingerprint: Fingerprint.of(out.models.map(\.fingerprint))),
            environment: .current(threads: s.settings.threads, gitCommit: GitCommit.current),
            throughput: out.throughput,
            tokenization: out.tokenization.map { TokenizationTime(model: $0.model, task: $0.task, tokens: $0.tokens, seconds: $0.seconds) },
            peakResidentBytes: out.peakResidentBytes)
        try RunReport.write(results, to: s.output)
        print(RunReport.summary(results))
        print("\nreport: \(s.output.path)/summary.md (results.json, accuracy.csv, throughput.csv, charts)")
    }
}

/// The commit jamba-eval was built from: the git checkout the executable sits in.
enum GitCommit {
    static var current: String {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", exe.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "unknown" }
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, !text.isEmpty else { return "unknown" }
        // A checkout with uncommitted changes is not that commit.
        let dirty = Process()
        dirty.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        dirty.arguments = ["git", "-C", exe.path, "diff", "--quiet", "HEAD"]
        dirty.standardOutput = FileHandle.nullDevice
        dirty.standardError = FileHandle.nullDevice
        if (try? dirty.run()) != nil { dirty.waitUntilExit(); if dirty.terminationStatus == 1 { return text + "-dirty" } }
        return text
    }
}
