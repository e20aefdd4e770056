import ArgumentParser
import Foundation
import JambaEval
import JambaModels
import JambaReport

struct ClaimsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Jamba's claims, measured: longest context within a memory budget, and decode tokens/s at long context at the largest batch that fits.",
        discussion: """
            Each length and batch is measured by running the engine in a fresh process (this binary with --probe) and \
            reading its peak resident memory (VmHWM); a run fits when that peak stays within --budget. The first model \
            (or --hybrid) is the hybrid whose speed the others' divides.
            """)

    @Argument(help: "Models: PATH or NAME=PATH (config.json for random weights, or a checkpoint folder); the hybrid first.")
    var models: [String] = []

    @Option(help: "Peak resident memory allowed for the whole process: 4GiB, 512MiB, or bytes.")
    var budget: String = "4GiB"

    @Option(help: "Resolution of the context search in bytes of KV cache (each model's lengths are multiples of the power of two of tokens below it).")
    var resolution: String = "4MiB"

    @Option(help: "Context lengths for the decode measurement, comma-separated.")
    var contexts: String = "8192,32768"

    @Option(help: "Decode steps per timed round.")
    var steps: Int = 64

    @Option(help: "Timed rounds at each decode context, the models' held runs taking turns (0: one round in each search run).")
    var repeats: Int = 5


    @Option(help: "Longest context searched.")
    var maxContext: Int = 1 << 20

    @Option(help: "Largest batch searched.")
    var maxBatch: Int = 256

    @Option(help: "The hybrid model's name (default: the first model).")
    var hybrid: String?

    @Option(help: "A line for the report saying what was scaled down and why.")
    var note: String?

    @OptionGroup var engine: EngineOptionGroup

    @Option(help: "Seed for random weights.")
    var seed: UInt64 = 0

    @Option(help: "Write the report as JSON here.")
    var json: String?

    @Option(help: "Write the Markdown report here.")
    var markdown: String?

    @Option(help: .hidden)
    var probe: String?

    @Flag(help: .hidden)
    var serve = false

    func run() throws {
        if let probe {
            // A child: one measured run; with --serve, held for timed rounds read from stdin.
            let spec = try JSONDecoder().decode(ClaimsProbe.Spec.self, from: Data(probe.utf8))
            func emit(_ line: String) { FileHandle.standardOutput.write((line + "\n").data(using: .utf8)!) }
            let hold: ((() throws -> Double) throws -> Void)? = !serve ? nil : { round in
                emit("ready")
                while let line = readLine(), line == "round" { emit(String(try round())) }
            }
            let result = try ClaimsProbe.run(spec, session: hold)
            emit(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            return
        }
        guard !models.isEmpty else { throw ValidationError("give the models, hybrid first: NAME=CONFIG ...") }
        guard let budgetBytes = ClaimsRunner.parseBytes(budget) else { throw ValidationError("--budget: expected e.g. 4GiB, 512MiB or bytes, got '\(budget)'") }
        let contextList = try IntegerList.parse(contexts, option: "--contexts", range: 1...Limits.contextTokens.upperBound)
        guard let resolutionBytes = ClaimsRunner.parseBytes(resolution) else { throw ValidationError("--resolution: expected e.g. 4MiB or bytes, got '\(resolution)'") }
        guard steps > 0, repeats >= 0, maxContext > 0, maxBatch > 0 else {
            throw ValidationError("--steps, --max-context and --max-batch must be positive, --repeats not negative")
        }
        if engine.profile { throw ValidationError("--profile: claims measures in child processes, which do not profile") }
        let engineOptions = engine.options()
        let specs = models.map { m -> ClaimsRunner.ModelSpec in
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? ClaimsRunner.ModelSpec(name: parts[0], path: parts[1])
                : ClaimsRunner.ModelSpec(name: URL(fileURLWithPath: m).deletingPathExtension().lastPathComponent, path: m)
        }
        var options = ClaimsRunner.Options()
        options.budgetBytes = budgetBytes
        options.resolutionBytes = resolutionBytes
        options.contexts = contextList
        options.steps = steps
        options.repeats = repeats
        options.chunk = engineOptions.prefillChunk
        options.calibrationContext = engineOptions.prefillChunk
        options.threads = engineOptions.threads
        options.seed = seed
        options.maxContext = maxContext
        options.maxBatch = maxBatch
        options.hybrid = hybrid
        options.note = note
        let child = ClaimsChild(executable: ClaimsChild.currentExecutable, arguments: ["claims"])
        let runner = ClaimsRunner(models: specs, options: options, measure: child.measure, session: child.session) {
            FileHandle.standardError.write(($0 + "\n").data(using: .utf8)!)
        }
        let report = try runner.run(environment: .current(threads: engineOptions.threads))
        let text = report.markdown()
        print(text)
        if let markdown { try (text + "\n").write(toFile: markdown, atomically: true, encoding: .utf8) }
        if let json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }
}
