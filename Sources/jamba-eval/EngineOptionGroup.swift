import ArgumentParser
import Foundation
import JambaEval
import JambaKernels
import JambaModels
import JambaReport

/// The engine options every command that runs a model shares (`@OptionGroup`): threads, prefill
/// chunk and profiling. Each is optional, so a command lays what was given over its base options
/// (EngineOptions' defaults, or a suite's settings). Max batch means something different per
/// command (bench: sequences per test; generate: sequences decoding together; claims: the largest
/// batch searched), so each command names it, with EngineOptions' default where it is the engine's.
struct EngineOptionGroup: ParsableArguments {
    @Option(help: "Threads for OpenBLAS and the engine's kernels (default: every core, \(EngineOptions.defaultThreads) here; run: the suite's settings.threads).")
    var threads: Int?

    @Option(help: "Prefill chunk: most prompt tokens per forward (default: \(EngineOptions.defaultPrefillChunk); run: the suite's settings.prefill_chunk).")
    var chunk: Int?

    @Flag(help: "Print where the time went, by section of the forward, summed over all runs.")
    var profile = false

    func validate() throws {
        if let t = threads, let p = Limits.problem(t, Limits.threads) { throw ValidationError("--threads \(p)") }
        if let c = chunk, let p = Limits.problem(c, Limits.chunk) { throw ValidationError("--chunk \(p)") }
    }

    /// `base` with the options given on the command line.
    func options(over base: EngineOptions = EngineOptions()) -> EngineOptions {
        var o = base
        if let threads { o.threads = threads }
        if let chunk { o.prefillChunk = chunk }
        if profile { o.profiling = true }
        return o
    }

    /// With --profile: the table of sections the context's profiler timed.
    func printProfile(_ context: ComputeContext) {
        guard profile, let profiler = context.profiler else { return }
        print("\n" + profiler.markdown())
    }
}
