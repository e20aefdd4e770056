/// One tensor's entry in a safetensors header, validated against its file.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Byte range inside the data section (after the 8-byte length and the header).
    public let begin: Int
    public let end: Int

    public var elementCount: Int { shape.reduce(1, *) }
}
