import Foundation
import JambaKernels

/// How an engine runs, with the one set of defaults every caller starts from: suite `settings:`
/// (Suite.Settings), the commands' shared options (`--threads`, `--chunk`, `--profile`) and
/// `Engine.init` all read them here. None of these change what a model computes: outputs are
/// bit-identical for any thread count, and chunked prefill matches one-shot (DESIGN.md §4).
public struct EngineOptions: Sendable, Equatable {
    /// Threads for the hand-written kernels and OpenBLAS (they share the cores, never both at once).
    public var threads: Int
    /// Most tokens one forward call processes during prefill: bounds activation memory to
    /// O(chunk × hidden) whatever the prompt length.
    public var prefillChunk: Int
    /// Most sequences decoding (or sharing a prefill) together.
    public var maxBatch: Int
    /// Time the forward's sections (the engine's context then carries a Profiler).
    public var profiling: Bool

    /// Every core this process may use.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
    public static let defaultPrefillChunk = 2048
    public static let defaultMaxBatch = 16

    public init(threads: Int = EngineOptions.defaultThreads, prefillChunk: Int = EngineOptions.defaultPrefillChunk,
                maxBatch: Int = EngineOptions.defaultMaxBatch, profiling: Bool = false) {
        self.threads = threads; self.prefillChunk = prefillChunk; self.maxBatch = maxBatch; self.profiling = profiling
    }

    /// Rows of the engine's workspace: a prefill chunk or a decode step of maxBatch sequences,
    /// whichever is more (the workspace is sized once, to this).
    public var workspaceRows: Int { max(prefillChunk, maxBatch) }

    /// A compute context for these options (with a fresh Profiler when profiling).
    public func makeContext() -> ComputeContext {
        ComputeContext(threads: threads, profiler: profiling ? Profiler() : nil)
    }
}
