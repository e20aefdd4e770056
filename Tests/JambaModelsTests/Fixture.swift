import Foundation
import JambaCheckpoint
import JambaModels

/// A committed reference checkpoint (Tests/Fixtures/<name>) and its transformers goldens.
struct Fixture {
    struct Sequence {
        let ids: [Int]
        let logits: [Float]   // [T, vocab]
        let greedy: [Int]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let modelNames = ["hybrid", "transformer", "mamba", "odd"]

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
                                 greedy: try golden.intTensor("seq\(i).greedy").values))
            i += 1
        }
        sequences = seqs
    }

    func model() throws -> JambaModel { try JambaModel.load(folder: folder) }
}

/// max |a - b| and max |b|, for the relative criterion max|diff| ≤ tol · max|golden|.
func maxDiff(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> (diff: Float, scale: Float) {
    precondition(a.count == b.count)
    var d: Float = 0, s: Float = 0
    for (x, y) in zip(a, b) { d = max(d, abs(x - y)); s = max(s, abs(y)) }
    return (d, s)
}
