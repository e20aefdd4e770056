import ArgumentParser
import Foundation
import JambaEval
import JambaReport
import JambaKernels
import JambaModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "llama-bench-style throughput: prefill (pp N) and decode (tg N @ d D) tokens/s and utilisation.",
        discussion: """
            Models are checkpoint folders or config files (random weights), optionally named NAME=PATH. \
            Repetitions are interleaved across models. Each run measures a calibration sgemm and an sgemv \
            over a matrix several times the last-level cache in the same process, around every test. \
            Prefill's util. is MFU = model FLOP/s ÷ the sgemm rate; decode's, at any --batch, is the bytes \
            its steps had to read per second ÷ the sgemv rate (each weight once per step, each expert once \
            per step that routes a row to it, every sequence's KV cache).
            """)

    @Argument(help: "Models: PATH or NAME=PATH (folder or config.json); or one suite YAML whose models and throughput section say what to run.")
    var models: [String] = []

    @Flag(help: "Instead of models: the decode kernels' weight-read rate (GB/s) at 1–8 rows, F32 and BF16, beside sgemv, with the weights in DRAM.")
    var kernels = false

    @Option(name: .shortAndLong, help: "Prefill lengths, comma-separated.")
    var prompt: String = "512"

    @Option(name: .shortAndLong, help: "Decode lengths, comma-separated (0 for none).")
    var generate: String = "0"

    @Option(name: .shortAndLong, help: "Context depths for decode tests, comma-separated.")
    var depth: String = "0"

    @Option(name: .shortAndLong, help: "Repetitions.")
    var repeats: Int = 3

    @Option(name: .shortAndLong, help: "Sequences per batch (the engines' max batch).")
    var batch: Int = 1

    @OptionGroup var engine: EngineOptionGroup

    @Option(help: "Seed for random weights.")
    var seed: UInt64 = 0

    @Option(help: "Name of the baseline model for the ratio column.")
    var baseline: String?

    @Option(help: "Write the report as JSON here.")
    var json: String?

    @Option(help: "Write the Markdown table here.")
    var markdown: String?

    func validate() throws {
        if let p = Limits.problem(repeats, Limits.repeats) { throw ValidationError("--repeats \(p)") }
        if let p = Limits.problem(batch, Limits.batch) { throw ValidationError("--batch \(p)") }
    }

    func run() throws {
        if kernels {
            let compute = engine.options().makeContext()
            compute.claimOpenBLAS()
            let results = KernelBench(repeats: repeats).run(context: compute) { FileHandle.standardError.write(($0 + "\n").data(using: .utf8)!) }
            print("threads \(compute.threads), OpenBLAS core \(BLAS.coreName)\n")
            print(KernelBench.markdown(results))
            return
        }
        guard !models.isEmpty else { throw ValidationError("give models (or one suite YAML), or --kernels") }
        if models.count == 1, models[0].hasSuffix(".yaml") || models[0].hasSuffix(".yml") {
            return try runSuite(URL(fileURLWithPath: models[0]))
        }
        var options = engine.options()
        options.maxBatch = batch
        // One context for every model's engine: the same threads, one profiler.
        let compute = options.makeContext()
        // 0 means "none" for prompt and generate lengths; every value is range-checked here, before
        // any model loads (a 1e9-token prompt used to fail in allocation).
        func ints(_ s: String, _ flag: String, _ range: ClosedRange<Int>) throws -> [Int] {
            try IntegerList.parse(s, option: flag, range: range)
        }
        var tests: [BenchTest] = try ints(prompt, "--prompt", 0...Limits.contextTokens.upperBound).filter { $0 > 0 }.map { .prefill(tokens: $0) }
        let depths = try ints(depth, "--depth", 0...Limits.contextTokens.upperBound)
        for n in try ints(generate, "--generate", 0...Limits.newTokens.upperBound) where n > 0 {
            for d in depths { tests.append(.decode(tokens: n, depth: d)) }
        }
        guard !tests.isEmpty else { throw ValidationError("no tests: give --prompt and/or --generate") }
        let named = try models.map { spec -> (name: String, path: String) in
            guard spec.contains("=") else { return (URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent, spec) }
            let parts = spec.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts[0].count > 0, parts[1].count > 0 else { throw ValidationError("'\(spec)': expected NAME=PATH with both parts non-empty") }
            return (parts[0], parts[1])
        }
        // Results are keyed by model name: two models of one name would merge into one row.
        var seen = Set<String>()
        for e in named where !seen.insert(e.name).inserted {
            throw ValidationError("two models are named '\(e.name)'; name them NAME=PATH")
        }
        let entries = try named.map { name, path -> BenchRunner.Entry in
            let model = try ModelOptions.parse([path, "--seed", "\(seed)"])
            // The longest test: a prompt, or a decode after its depth.
            let context = tests.map { t -> Int in
                switch t {
                case .prefill(let n): return n
                case .decode(let n, let d): return n + d
                }
            }.max() ?? 1
            return BenchRunner.Entry(name: name, model: try model.load(
                shape: .init(sequences: batch, context: context, chunk: options.prefillChunk, threads: options.threads)))
        }
        if let slow = BenchSlowdown.setting {
            FileHandle.standardError.write("WARNING: JAMBA_EVAL_DEBUG_SLOWDOWN is set: models matching '\(slow.model)' are slowed \(slow.factor)× on purpose\n".data(using: .utf8)!)
        }
        if let b = baseline, !entries.contains(where: { $0.name == b }) {
            throw ValidationError("--baseline \(b) names no model; models: \(entries.map(\.name).joined(separator: ", "))")
        }
        let report = try BenchRunner(entries: entries, tests: tests, repeats: repeats, batch: batch, baseline: baseline,
                                     options: options, context: compute)
            .run { FileHandle.standardError.write(($0 + "\n").data(using: .utf8)!) }
        try write(report)
        engine.printProfile(compute)
    }

    /// Prints the table and writes --markdown and --json.
    private func write(_ report: BenchReport) throws {
        let table = report.markdown()
        print(table)
        if let markdown { try (table + "\n").write(toFile: markdown, atomically: true, encoding: .utf8) }
        if let json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// `bench SUITE.yaml`: the suite's models and throughput section (benchmarks/throughput.yaml).
    private func runSuite(_ url: URL) throws {
        var suite = try Suite.load(url)
        suite.settings.engine = engine.options(over: suite.settings.engine)
        guard let t = suite.throughput else { throw ValidationError("\(url.path): no 'throughput' section") }
        if let slow = BenchSlowdown.setting {
            FileHandle.standardError.write("WARNING: JAMBA_EVAL_DEBUG_SLOWDOWN is set: models matching '\(slow.model)' are slowed \(slow.factor)× on purpose\n".data(using: .utf8)!)
        }
        let runner = Runner(suite: suite, options: Runner.Options())
        let context = suite.settings.engine.makeContext()
        try write(try runner.probe(t, models: try suite.models.map { try LoadedModel($0) }, context: context))
        engine.printProfile(context)
    }
}
