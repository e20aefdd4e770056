/// An owned, 64-byte aligned, fixed-size block of Float32.
///
/// The engine's scratch and converted weights live in these: a reference type so a buffer can be
/// shared by the layers that read it, aligned so vector loads never split cache lines, and never
/// resized: scratch is sized once per batch shape, which is what keeps the hot path allocation-free.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Zero-filled.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
    public var array: [Float] { Array(buffer) }

    public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }
}
