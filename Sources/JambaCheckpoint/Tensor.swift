import JambaKernels

/// A read-only Float32 tensor, row-major, with whatever keeps its memory alive (a mapped file or an
/// owned buffer). Weights are handed around as these; the model reads them through `pointer`.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let pointer: UnsafePointer<Float>
    let owner: AnyObject

    public init(shape: [Int], pointer: UnsafePointer<Float>, owner: AnyObject) {
        self.shape = shape
        self.pointer = pointer
        self.owner = owner
    }

    public init(shape: [Int], buffer: FloatBuffer) {
        precondition(shape.reduce(1, *) <= buffer.count)
        self.init(shape: shape, pointer: UnsafePointer(buffer.pointer), owner: buffer)
    }

    public var count: Int { shape.reduce(1, *) }
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// A view of entry `index` of the leading dimension, one dimension less (an expert of a fused
    /// [E, …] tensor).
    public func slice(_ index: Int) -> Tensor {
        let inner = Array(shape.dropFirst())
        let stride = inner.reduce(1, *)
        return Tensor(shape: inner, pointer: pointer + index * stride, owner: owner)
    }

    /// Rows [from, from + rows) of a 2-D tensor.
    public func rows(_ from: Int, _ rows: Int) -> Tensor {
        precondition(shape.count == 2 && from + rows <= shape[0])
        return Tensor(shape: [rows, shape[1]], pointer: pointer + from * shape[1], owner: owner)
    }
}
