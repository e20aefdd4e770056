import Foundation
import JambaCheckpoint
import JambaKernels
import JambaSupport

/// Seeded random weights for any configuration, so throughput can be measured without a checkpoint.
///
/// Each tensor draws from its own generator seeded by (seed, tensor name), so the same seed gives
/// the same weights whatever order they are asked for in. Scales keep activations O(1): linear
/// weights uniform with std 1/sqrt(fan_in); norms 1 ± 0.1; dt biases put softplus(dt) in
/// [0.001, 0.1] as Mamba's own init does; A_log = log(1…N); D ≈ 1.
public final class RandomWeights: TensorSource, @unchecked Sendable {
    public let config: ModelConfiguration
    public let seed: UInt64
    private let specs: [String: TensorSpec]

    public var origin: String { "random weights (seed \(seed))" }

    public init(config: ModelConfiguration, seed: UInt64) {
        self.config = config
        self.seed = seed
        specs = Dictionary(uniqueKeysWithValues: config.architecture.schema.tensors(for: config).map { ($0.name, $0) })
    }

    public var tensorNames: [String] { specs.keys.sorted() }
    public func shape(of name: String) -> [Int]? { specs[name]?.shape }

    public func tensor(_ name: String) throws -> Tensor {
        guard let spec = specs[name] else {
            throw CheckpointError.missingTensor(folder: origin, tensor: name, expectedShape: [])
        }
        let shape = spec.shape
        let buffer = FloatBuffer(count: shape.reduce(1, *))
        var rng = SplitMix64(seed: seed ^ FNV1a.hash(name))
        let p = buffer.pointer, n = buffer.count
        func uniform(std: Float) { let a = std * 3.0.squareRoot().float; for i in 0..<n { p[i] = a * rng.symmetric() } }
        switch spec.role {
        case .norm, .mambaD:
            for i in 0..<n { p[i] = 1 + 0.1 * rng.symmetric() }
        case .aLog:
            let states = shape[1]
            for i in 0..<n { p[i] = Foundation.log(Float(i % states + 1)) }
        case .dtBias:
            // softplus⁻¹ of dt drawn log-uniformly from [0.001, 0.1].
            for i in 0..<n {
                let dt = Foundation.exp(Float(Foundation.log(0.001)) + (rng.symmetric() + 1) / 2 * Float(Foundation.log(100.0)))
                p[i] = dt + Foundation.log(-Foundation.expm1(-dt))
            }
        case .bias:
            for i in 0..<n { p[i] = 0.1 * rng.symmetric() }
        case .embedding:
            uniform(std: 1)
        case .conv:
            uniform(std: 1 / Float(shape[2]).squareRoot())
        case .linear:
            uniform(std: 1 / Float(shape.last!).squareRoot())
        }
        return Tensor(shape: shape, buffer: buffer)
    }

    /// Writes config.json and model.safetensors: a folder transformers' class for the architecture
    /// loads, with the weights in `dtype` (F32, or rounded to nearest even into BF16 or F16; config.json
    /// says which, as transformers' own save_pretrained does). One tensor is held at a time.
    public func write(to folder: URL, dtype: DType = .f32) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var written = config
        written.dtype = Self.torchName(dtype)
        try encoder.encode(written).write(to: folder.appendingPathComponent("config.json"))
        let shapes = tensorNames.map { ($0, specs[$0]!.shape) }
        try SafetensorsWriter.write(shapes, dtype: dtype, metadata: ["format": "pt", "seed": "\(seed)", "writer": "jamba-eval init"],
                                    to: folder.appendingPathComponent("model.safetensors")) { name, body in
            let t = try tensor(name)
            try withExtendedLifetime(t) { try body(UnsafeBufferPointer(start: t.pointer, count: t.count)) }
        }
    }

    /// transformers' name of a dtype (config.json's "dtype").
    public static func torchName(_ dtype: DType) -> String {
        switch dtype {
        case .bf16: return "bfloat16"
        case .f16: return "float16"
        default: return "float32"
        }
    }

}

private extension SplitMix64 {
    /// Uniform in [-1, 1): the top 24 bits as a Float.
    mutating func symmetric() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}

private extension Double { var float: Float { Float(self) } }
