import XCTest
import JambaCheckpoint
import JambaKernels
@testable import JambaModels

/// BF16 and F16 checkpoints are run as stored (issue 16): the weight matrices stay mapped in their
/// 16-bit format, and every logit equals the Float32-converted model's within 1e-5 of the largest,
/// in prefill (panels ahead of sgemm), decode at batch 1 (the GEMV) and batched decode (2–8 rows).
final class HalfWeightTests: XCTestCase {
    /// The committed fixtures stored in BF16 (Jamba's odd shape in two shards, the Llama family,
    /// Mixtral with per-expert tensors).
    static let bf16Fixtures = ["odd", "llama-odd", "llama-dynamic", "llama3", "mistral", "mixtral"]

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("half-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Logits of a prefill of every prompt (more than 8 rows: PanelGEMM), then of `steps` decode
    /// steps of all the sequences together (2–8 rows: HalfSkinnyGEMM) and of the first alone (one
    /// row: the GEMV), each step fed the same fixed tokens so both models walk the same path.
    func trace(_ model: DecoderModel, _ prompts: [[Int]], steps: Int = 3) throws -> [Float] {
        let states = prompts.map { _ in model.newState(reserve: 64) }
        var out = try model.forward(PackedBatch(prompts), states: states, logits: .all).values
        let v = model.config.vocabSize
        for step in 0..<steps {
            let tokens = prompts.indices.map { [($0 * 7 + step * 3 + 1) % v] }
            out += try model.forward(PackedBatch(tokens), states: states, logits: .all).values
            out += try model.forward(PackedBatch([[(step * 5 + 2) % v]]), states: [states[0]], logits: .all).values
        }
        return out
    }

    func assertSameLogits(_ stored: DecoderModel, _ converted: DecoderModel, _ prompts: [[Int]], _ label: String) throws {
        let a = try trace(stored, prompts), b = try trace(converted, prompts)
        let (d, s) = maxDiff(a[...], b[...])
        print("\(label): stored vs Float32-converted max|diff| \(d) of \(s)")
        XCTAssertGreaterThan(s, 0, label)
        XCTAssertLessThanOrEqual(d, 1e-5 * s, label)
    }

    func testBF16FixturesMatchTheirFloat32Conversion() throws {
        for name in Self.bf16Fixtures {
            let fx = try Fixture(name)
            let checkpoint = try Checkpoint(folder: fx.folder)
            XCTAssertEqual(checkpoint.dtypes, [.bf16], name)
            let config = try ModelConfiguration.load(from: fx.folder.appendingPathComponent("config.json"))
            let stored = try DecoderModel(config: config, source: checkpoint)
            let converted = try DecoderModel(config: config, source: Float32Source(checkpoint))
            XCTAssertEqual(stored.embedding.dtype, .bf16, "\(name): the embedding is read as stored")
            XCTAssertEqual(converted.embedding.dtype, .f32)
            XCTAssertEqual(stored.parameterCount, converted.parameterCount)
            // Matrices at 2 bytes, the rest (norms, conv, A, D, biases) at 4.
            XCTAssertLessThan(stored.weightBytes, converted.weightBytes * 6 / 10, name)
            XCTAssertEqual(converted.weightBytes, 4 * converted.parameterCount, name)
            // Prompts of more than 8 rows in all, so the prefill takes the panel path.
            try assertSameLogits(stored, converted, fx.sequences.prefix(3).map(\.ids), name)
        }
    }

    func testInitWritesBF16AndF16ThatRunAsStored() throws {
        let config = try ModelConfiguration.load(from: Fixture.root.appendingPathComponent("hybrid/config.json"))
        let random = RandomWeights(config: config, seed: 5)
        for dtype in [DType.bf16, .f16] {
            let folder = try temporaryFolder()
            try random.write(to: folder, dtype: dtype)
            // config.json says the dtype, as transformers' save_pretrained writes it.
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as! [String: Any]
            XCTAssertEqual(json["dtype"] as? String, RandomWeights.torchName(dtype))
            let checkpoint = try Checkpoint(folder: folder)
            XCTAssertEqual(checkpoint.dtypes, [dtype])
            // Each value is the Float32 draw rounded to nearest even.
            let name = "model.layers.0.mamba.in_proj.weight"
            let drawn = try random.tensor(name).array, read = try checkpoint.matrix(name)
            XCTAssertEqual(read.dtype, dtype)
            let narrowed = drawn.map { dtype == .bf16 ? BF16.float(BF16.narrow($0)) : F16.float(F16.narrow($0)) }
            XCTAssertEqual(read.array, narrowed)
            let loaded = try DecoderModel.load(folder: folder)
            let converted = try DecoderModel(config: loaded.config, source: Float32Source(checkpoint))
            try assertSameLogits(loaded, converted, [Array(1...12), [5, 9, 3]], "hybrid \(dtype.rawValue)")
        }
    }

    /// Mixtral's fused expert layout ([E, 2F, d] and [E, d, F] tensors sliced per expert) in BF16.
    func testFusedExpertsInBF16() throws {
        let fx = try Fixture("mixtral-fused")
        let source = try Checkpoint(folder: fx.folder)
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: fx.folder.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        try SafetensorsWriter.write(source.tensorNames.map { ($0, source.shape(of: $0)!) }, dtype: .bf16, metadata: ["format": "pt"],
                                    to: folder.appendingPathComponent("model.safetensors")) { name, body in
            let t = try source.tensor(name)
            try body(UnsafeBufferPointer(start: t.pointer, count: t.count))
        }
        let stored = try DecoderModel.load(folder: folder)
        XCTAssertTrue((stored.source as! Checkpoint).tensorNames.contains { $0.hasSuffix("gate_up_proj") })
        let converted = try DecoderModel(config: stored.config, source: Float32Source(stored.source))
        try assertSameLogits(stored, converted, fx.sequences.prefix(2).map(\.ids), "mixtral-fused bf16")
    }

    /// A NaN in a BF16 matrix is refused at load like a Float32 one, naming the tensor.
    func testNonFiniteBF16WeightIsRefused() throws {
        let config = try ModelConfiguration.load(from: Fixture.root.appendingPathComponent("llama/config.json"))
        let random = RandomWeights(config: config, seed: 2)
        let folder = try temporaryFolder()
        try JSONEncoder().encode(config).write(to: folder.appendingPathComponent("config.json"))
        let poisoned = "model.layers.0.self_attn.q_proj.weight"
        try SafetensorsWriter.write(random.tensorNames.map { ($0, random.shape(of: $0)!) }, dtype: .bf16, metadata: [:],
                                    to: folder.appendingPathComponent("model.safetensors")) { name, body in
            var values = try random.tensor(name).array
            if name == poisoned { values[3] = .nan; values[10] = -.infinity }
            try values.withUnsafeBufferPointer { try body($0) }
        }
        XCTAssertThrowsError(try DecoderModel.load(folder: folder)) { e in
            XCTAssertTrue("\(e)".contains(poisoned) && "\(e)".contains("2 non-finite") && "\(e)".contains("index 3"), "\(e)")
        }
    }
}
