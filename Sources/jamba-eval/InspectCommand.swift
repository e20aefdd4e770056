import ArgumentParser
import Foundation
import JambaCheckpoint
import JambaKernels
import JambaModels

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a model's layer map, parameter counts, state sizes, dtype and the OpenBLAS set-up.")

    @OptionGroup var model: ModelOptions

    func run() throws {
        let m = try model.load()
        let c = m.config
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
        print("| layer | mixer | feed-forward |")
        print("|---|---|---|")
        for plan in m.plans {
            let ff: String
            switch plan.feedForward {
            case .dense: ff = "dense"
            case .moe(let e, let k): ff = "moe \(e) experts, top \(k)"
            }
            print("| \(plan.index) | \(plan.mixer.rawValue) | \(ff) |")
        }
        print("")
        print("parameters: \(grouped(m.parameterCount)) total, \(grouped(m.activeParameterCount)) active per token")
        print("state per sequence: \(grouped(m.fixedStateBytes)) bytes fixed (Mamba) + \(grouped(m.kvBytesPerToken)) bytes per token (KV cache)")
        if let ckpt = m.source as? Checkpoint {
            print("dtype: \(ckpt.dtypes.map(\.rawValue).joined(separator: ", ")) on disk; weight matrices kept as stored, the rest float32: \(grouped(m.weightBytes)) bytes of weights in memory")
        } else {
            print("dtype: float32 (\(m.source.origin))")
        }
        let cpu = CPUFeatures.current
        print("cpu: \(cpu.signature); \(cpu.summary)")
        print("openblas: core \(CoreChoice.current), \(BLAS.threads) threads (\(BLAS.configString))")
    }

    private func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }
}
