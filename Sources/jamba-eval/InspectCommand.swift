import ArgumentParser
import Foundation
import JambaReport
import JambaCheckpoint
import JambaKernels
import JambaModels
import JambaSupport

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a model's layer map, parameters, weight and state bytes, the longest context this machine holds, dtype and the OpenBLAS set-up.")

    @OptionGroup var model: ModelOptions
    /// --chunk: the prefill chunk assumed for the longest context that fits (its scratch counts);
    /// --threads: the engine's threads (each has its attention scratch), which become OpenBLAS's.
    @OptionGroup var engine: EngineOptionGroup

    func validate() throws {
        if engine.profile { throw ValidationError("--profile: inspect runs no forward") }
    }

    /// Reads config.json (and a folder's safetensors headers) only: no weight is allocated or read,
    /// so the 52B shape inspects on a laptop.
    func run() throws {
        let options = engine.options()
        let chunk = options.prefillChunk
        let context = options.makeContext()
        context.claimOpenBLAS()
        let url = URL(fileURLWithPath: model.model)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ModelError.configUnreadable(file: url.path, reason: "no such file or folder")
        }
        let configURL = isFolder.boolValue ? url.appendingPathComponent("config.json") : url
        let (c, warnings) = try ModelConfiguration.loadReportingKeys(from: configURL)
        for w in warnings { FileHandle.standardError.write(Data("\(w)\n".utf8)) }
        var stored: [DType] = []
        if isFolder.boolValue {
            do { stored = try Checkpoint(folder: url).dtypes } catch let e as CheckpointError { throw ModelError.checkpoint(e) }
        }
        let file = configURL.path
        print("model: \(model.model)")
        print("layers: \(c.numHiddenLayers)  hidden: \(c.hiddenSize)  vocab: \(c.vocabSize)  heads: \(c.numAttentionHeads)/\(c.numKeyValueHeads) kv  head_dim: \(c.headDim)")
        print("architecture: \(c.architecture.rawValue) (\(c.architecture.transformersClass))")
        if c.architecture == .jamba {
            print("mamba: d_inner \(c.dInner)  d_state \(c.mambaDState)  d_conv \(c.mambaDConv)  dt_rank \(c.dtRank)")
        }
        if let rope = c.rotary {
            let s = rope.scaling
            let scaling = s.kind == .default ? "" : ", \(s.kind.rawValue) scaling ×\(s.factor)"
            print("positions: rotary, theta \(c.ropeTheta)\(scaling), max_position_embeddings \(c.maxPositionEmbeddings)")
        } else {
            print("positions: none (Jamba attention)")
        }
        if let w = c.attentionWindow { print("attention: sliding window of \(w) keys (the KV cache keeps at most \(2 * w))") }
        let experts = c.layers.contains { $0.feedForward.isMoE }
            ? "\(c.numExperts) (top \(c.numExpertsPerTok)\(c.architecture.renormalizesTopK ? ", weights renormalised" : ""))" : "none"
        print("experts: \(experts)  intermediate: \(c.intermediateSize)")
        print("")
        print(c.layerTable())
        print("")
        let (matrices, other) = try c.weightElements(file: file)
        print("parameters: \(ReportFormat.grouped(matrices + other)) total, \(ReportFormat.grouped(try c.activeParameterCount(file: file))) active per token")
        let bf16 = try c.weightBytes(file: file, matrixElementBytes: 2), f32 = try c.weightBytes(file: file)
        print("weights: \(ReportFormat.grouped(bf16)) bytes in BF16 (\(MemoryPlan.gib(bf16))), \(ReportFormat.grouped(f32)) bytes in F32 (\(MemoryPlan.gib(f32))); "
              + "BF16/F16 matrices are read as stored, norms, conv, A and D in F32")
        print("state per sequence: \(ReportFormat.grouped(c.fixedStateBytes)) bytes fixed (Mamba) + \(ReportFormat.grouped(c.kvBytesPerToken)) bytes per token (KV cache)")
        let available = AvailableMemory.current()
        print("memory available: \(ReportFormat.grouped(available.bytes)) bytes (\(MemoryPlan.gib(available.bytes)), \(available.source))")
        for (name, bytes) in [("BF16", 2), ("F32", 4)] {
            let longest = try MemoryPlan.longestContext(c, file: file, matrixElementBytes: bytes, available: available, chunk: chunk,
                                                           threads: options.threads)
            let text: String
            switch longest {
            case nil: text = "unbounded by memory (the state does not grow with context)"
            case 0?: text = "none: the weights, one sequence's fixed state and the chunk's scratch do not fit"
            case let n?: text = "\(ReportFormat.grouped(n)) tokens"
            }
            print("longest context that fits, \(name) weights, one sequence, prefill chunk \(chunk): \(text)")
        }
        if isFolder.boolValue {
            print("dtype: \(stored.map(\.rawValue).joined(separator: ", ")) on disk; weight matrices kept as stored, the rest float32")
        } else {
            print("dtype: float32 random weights (seed \(model.seed)); `jamba-eval init --dtype bf16` writes them in BF16")
        }
        let cpu = CPUFeatures.current
        print("cpu: \(cpu.signature); \(cpu.summary)")
        print("openblas: core \(CoreChoice.current), \(ComputeContext.openBLASThreads) threads (\(BLAS.configString))")
    }
}
