import Foundation

/// What the config.json fuzz target runs on each input (tools/fuzz, `make fuzz`) and the corpus
/// replay test on every committed input. Errors are expected; a trap is the finding.
public enum ConfigFuzz {
    /// A config.json. When it validates, everything sized from it must compute without trapping:
    /// the layer plan, the weights' bytes, the tensor list and the rotary frequencies.
    public static func config(_ bytes: UnsafeRawBufferPointer) {
        guard let c = try? ModelConfiguration.decode(Data(bytes), file: "fuzz.json") else { return }
        _ = c.layers
        // The tensor list only for configurations of sane size (a valid 4096-layer, 4096-expert
        // config lists 50M tensors, which costs time, not correctness).
        if let bytes = try? c.weightBytes(file: "fuzz.json"), bytes < 1 << 32 { _ = c.architecture.schema.tensors(for: c).count }
        _ = c.rotary?.inverseFrequencies(length: c.maxPositionEmbeddings + 1)
    }
}
