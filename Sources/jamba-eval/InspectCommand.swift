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
        print("mamba: d_inner \(c.dInner)  d_state \(c.mambaDState)  d_conv \(c.mambaDConv)  dt_rank \(c.dtRank)")
        print("experts: \(c.numExperts) (top \(c.numExpertsPerTok))  intermediate: \(c.intermediateSize)")
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
            print("dtype: \(ckpt.dtypes.map(\.rawValue).joined(separator: ", ")) on disk, float32 in memory")
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
