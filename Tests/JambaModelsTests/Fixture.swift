import Foundation
import JambaCheckpoint
import JambaModels

/// A committed reference checkpoint (Tests/Fixtures/<name>) and its transformers goldens.
struct Fixture {
    struct Sequence {
        let ids: [Int]
        let logits: [Float]   // [T, vocab]
        let greedy: [Int]
        /// transformers' generate() with a KV cache, where it differs from the re-run greedy by
        /// design (dynamic RoPE: cached keys keep the frequencies of the length they were made
        /// at); what a cached engine must equal. Nil when the fixture has no such golden.
        let cachedGreedy: [Int]?

        /// The continuation a cached engine must produce.
        var expectedGreedy: [Int] { cachedGreedy ?? greedy }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// Jamba fixtures (tools/reference/make_fixtures.py).
    static let jambaNames = ["hybrid", "transformer", "mamba", "odd"]
    /// Transformer baselines (tools/reference/make_baseline_fixtures.py): rope types, GQA, biases,
    /// tied embeddings, BF16 shards, a sliding window shorter than the prompts, both expert layouts.
    static let baselineNames = ["llama", "llama-odd", "llama-dynamic", "llama3", "mistral", "mixtral", "mixtral-fused"]
    static let modelNames = jambaNames + baselineNames

    let name: String
    let folder: URL
    let sequences: [Sequence]

    init(_ name: String) throws {
        self.name = name
        folder = Self.root.appendingPathComponent(name)
        let golden = try SafetensorsFile(path: folder.appendingPathComponent("golden.safetensors").path)
        var seqs: [Sequence] = []
        var i = 0
        while golden.tensors["seq\(i).ids"] != nil {
            seqs.append(Sequence(ids: try golden.intTensor("seq\(i).ids").values,
                                 logits: try golden.floatTensor("seq\(i).logits").array,
                                 greedy: try golden.intTensor("seq\(i).greedy").values,
                                 cachedGreedy: golden.tensors["seq\(i).greedy_cached"] == nil ? nil
                                     : try golden.intTensor("seq\(i).greedy_cached").values))
            i += 1
        }
        sequences = seqs
    }

    func model() throws -> DecoderModel { try DecoderModel.load(folder: folder) }
}

/// max |a - b| and max |b|, for the relative criterion max|diff| ≤ tol · max|golden|.
func maxDiff(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> (diff: Float, scale: Float) {
    precondition(a.count == b.count)
    var d: Float = 0, s: Float = 0
    for (x, y) in zip(a, b) { d = max(d, abs(x - y)); s = max(s, abs(y)) }
    return (d, s)
}
