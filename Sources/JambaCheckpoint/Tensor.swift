import JambaKernels

/// A read-only tensor, row-major, with whatever keeps its memory alive (a mapped file or an owned
/// buffer). Weights are handed around as these. Most are Float32 (`pointer`); the weight matrices
/// a checkpoint stores in BF16 or F16 stay so (`data`), read by the kernels as stored.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    /// The elements, in their stored format.
    public let data: WeightData
    let owner: AnyObject

    public init(shape: [Int], data: WeightData, owner: AnyObject) {
        self.shape = shape
        self.data = data
        self.owner = owner
    }

    public init(shape: [Int], pointer: UnsafePointer<Float>, owner: AnyObject) {
        self.init(shape: shape, data: .f32(pointer), owner: owner)
    }

    public init(shape: [Int], buffer: FloatBuffer) {
        precondition(shape.reduce(1, *) <= buffer.count)
        self.init(shape: shape, pointer: UnsafePointer(buffer.pointer), owner: buffer)
    }

    /// The Float32 elements. Only tensors asked for with `TensorSource.tensor` are guaranteed to be
    /// Float32; a weight matrix from `matrix` may be BF16 or F16 and must be read through `data`.
    public var pointer: UnsafePointer<Float> {
        guard case .f32(let p) = data else { preconditionFailure("a \(dtype.rawValue) tensor read as Float32: read it through `data`") }
        return p
    }

    public var dtype: DType {
        switch data {
        case .f32: return .f32
        case .bf16: return .bf16
        case .f16: return .f16
        }
    }

    public var count: Int { shape.reduce(1, *) }
    /// Bytes the elements take as stored.
    public var byteCount: Int { count * data.elementBytes }

    /// The elements as Float32 (a copy; widened exactly from BF16 or F16).
    public var array: [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { data.widen(into: buffer.baseAddress!, from: 0, count: count) }
            initialized = count
        }
    }

    /// This tensor as Float32: itself when it is, else a widened copy in an owned buffer.
    public func float32() -> Tensor {
        if case .f32 = data { return self }
        let buffer = FloatBuffer(count: count)
        data.widen(into: buffer.pointer, from: 0, count: count)
        return Tensor(shape: shape, buffer: buffer)
    }

    /// A view of entry `index` of the leading dimension, one dimension less (an expert of a fused
    /// [E, …] tensor).
    public func slice(_ index: Int) -> Tensor {
        let inner = Array(shape.dropFirst())
        let stride = inner.reduce(1, *)
        return Tensor(shape: inner, data: data.advanced(by: index * stride), owner: owner)
    }

    /// Rows [from, from + rows) of a 2-D tensor.
    public func rows(_ from: Int, _ rows: Int) -> Tensor {
        precondition(shape.count == 2 && from + rows <= shape[0])
        return Tensor(shape: [rows, shape[1]], data: data.advanced(by: from * shape[1]), owner: owner)
    }
}
