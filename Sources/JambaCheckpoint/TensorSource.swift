/// Where a model's weights come from: a checkpoint folder on disk or seeded random weights.
public protocol TensorSource {
    /// Names the source in error messages (a folder path, or "random weights (seed 3)").
    var origin: String { get }
    var tensorNames: [String] { get }
    func shape(of name: String) -> [Int]?
    /// The tensor as Float32, converted if stored otherwise.
    func tensor(_ name: String) throws -> Tensor
}

extension TensorSource {
    public func contains(_ name: String) -> Bool { shape(of: name) != nil }

    /// The tensor, checked to exist and to have exactly the expected shape.
    public func tensor(_ name: String, shape expected: [Int]) throws -> Tensor {
        guard let actual = shape(of: name) else {
            throw CheckpointError.missingTensor(folder: origin, tensor: name, expectedShape: expected)
        }
        guard actual == expected else {
            throw CheckpointError.wrongShape(file: origin, tensor: name, expectedShape: expected, actualShape: actual)
        }
        return try tensor(name)
    }
}
