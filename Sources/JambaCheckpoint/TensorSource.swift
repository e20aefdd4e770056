/// Where a model's weights come from: a checkpoint folder on disk or seeded random weights.
public protocol TensorSource {
    /// Names the source in error messages (a folder path, or "random weights (seed 3)").
    var origin: String { get }
    var tensorNames: [String] { get }
    func shape(of name: String) -> [Int]?
    /// The tensor as Float32, converted if stored otherwise (norms, biases, conv and SSM weights:
    /// small, and read by Float32 kernels).
    func tensor(_ name: String) throws -> Tensor
    /// A weight matrix (a projection, an expert, the embedding or lm_head) as stored when it is
    /// BF16 or F16, so it is never copied to Float32; Float32 otherwise.
    func matrix(_ name: String) throws -> Tensor
}

extension TensorSource {
    public func contains(_ name: String) -> Bool { shape(of: name) != nil }

    /// Sources that hold only Float32 hand out their matrices as Float32.
    public func matrix(_ name: String) throws -> Tensor { try tensor(name) }

    /// The tensor, checked to exist and to have exactly the expected shape.
    public func tensor(_ name: String, shape expected: [Int]) throws -> Tensor {
        try check(name, expected)
        return try tensor(name)
    }

    /// The weight matrix in its stored format, checked like `tensor(_:shape:)`.
    public func matrix(_ name: String, shape expected: [Int]) throws -> Tensor {
        try check(name, expected)
        return try matrix(name)
    }

    private func check(_ name: String, _ expected: [Int]) throws {
        guard let actual = shape(of: name) else {
            throw CheckpointError.missingTensor(folder: origin, tensor: name, expectedShape: expected)
        }
        guard actual == expected else {
            throw CheckpointError.wrongShape(file: origin, tensor: name, expectedShape: expected, actualShape: actual)
        }
    }
}

/// Any source with every matrix widened to Float32 at load: how the engine held BF16 and F16
/// checkpoints before its kernels read them as stored. The reference the half-precision kernels
/// are tested against, and `--dtype f32` for a BF16 folder.
public struct Float32Source: TensorSource {
    public let base: TensorSource
    public init(_ base: TensorSource) { self.base = base }
    public var origin: String { base.origin }
    public var tensorNames: [String] { base.tensorNames }
    public func shape(of name: String) -> [Int]? { base.shape(of: name) }
    public func tensor(_ name: String) throws -> Tensor { try base.tensor(name) }
    public func matrix(_ name: String) throws -> Tensor { try base.tensor(name) }
}
