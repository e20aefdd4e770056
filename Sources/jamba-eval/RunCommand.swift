import ArgumentParser
import Foundation
import JambaEval
import JambaModels
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

            --shard K/N runs shard K (from 0) of N: the (model, task, record) units a stable hash \
            assigns it, balanced in prompt tokens; the throughput probes run on shard 0 only (the \
            suite's throughput.shard picks another). It writes to OUTPUT/shard-K-of-N unless \
            --output is given, resumes like an unsharded run, and `jamba-eval merge` joins the \
            N folders into the report one machine would have written.
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

    @Option(help: "Run shard K of N (K from 0): a deterministic share of the units, e.g. --shard 0/4.")
    var shard: String?

    /// Over the suite's settings (threads, prefill_chunk); --profile is refused (a run's forwards
    /// are not timed by section).
    @OptionGroup var engine: EngineOptionGroup

    func validate() throws {
        if engine.profile { throw ValidationError("--profile: give it to `bench SUITE.yaml`, which times the suite's throughput probes") }
    }

    func run() throws {
        var s = try Suite.load(URL(fileURLWithPath: suite))
        let shard = try shard.map(Shard.init(parsing:))
        if let output { s.output = URL(fileURLWithPath: output) } else if let shard { s.output.appendPathComponent(shard.folderName) }
        if noThroughput { s.throughput = nil }
        s.settings.engine = engine.options(over: s.settings.engine)
        let commit = GitCommit.current
        let runner = Runner(suite: s, options: Runner.Options(fresh: fresh, quiet: quiet, shard: shard, version: commit))
        let out = try runner.run()
        var environment = RunEnvironment.current(threads: s.settings.engine.threads, gitCommit: commit)
        environment.host = HostName.current
        let results = try RunResults.build(run: out, suite: s, environment: environment)
        try RunReport.write(results, to: s.output)
        print(RunReport.summary(results))
        print("\nreport: \(s.output.path)/summary.md (results.json, accuracy.csv, throughput.csv, charts)")
        if let shard, let m = out.manifest {
            let parent = s.output.deletingLastPathComponent().path
            let folders = output == nil ? "\(parent)/shard-*-of-\(shard.count) --output \(parent)" : "FOLDER_0 … FOLDER_\(shard.count - 1) --output DIR"
            print("shard \(shard): \(m.groups.reduce(0) { $0 + $1.assigned.count }) units, "
                  + "\(m.groups.reduce(0) { $0 + $1.assignedPromptTokens }) prompt tokens; when all \(shard.count) have run: "
                  + "jamba-eval merge \(folders)")
        }
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
