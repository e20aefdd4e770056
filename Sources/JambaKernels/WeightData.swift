/// Where a weight matrix's elements are and how they are stored. Checkpoints published in BF16 or
/// F16 are read as stored (memory-mapped, never copied to Float32): a BF16 weight takes half the
/// memory, and decode, which is bound by the weight bytes it reads, reads half as many. The
/// kernels widen elements to Float32 in registers (`HalfSkinnyGEMM`, decode) or a panel at a time
/// (`PanelGEMM`, prefill); both widenings are exact, so only the summation order can differ from a
/// Float32 copy of the same weights.
public enum WeightData: @unchecked Sendable {
    case f32(UnsafePointer<Float>)
    /// bfloat16: the top 16 bits of a float32 (sign, 8 exponent bits, 7 mantissa bits).
    case bf16(UnsafePointer<UInt16>)
    /// IEEE 754 binary16 (sign, 5 exponent bits, 10 mantissa bits).
    case f16(UnsafePointer<UInt16>)

    /// Bytes per element as stored.
    public var elementBytes: Int {
        switch self {
        case .f32: return 4
        case .bf16, .f16: return 2
        }
    }

    /// The data `elements` further on (a row or an expert of a larger tensor).
    public func advanced(by elements: Int) -> WeightData {
        switch self {
        case .f32(let p): return .f32(p + elements)
        case .bf16(let p): return .bf16(p + elements)
        case .f16(let p): return .f16(p + elements)
        }
    }

    /// dst [count] = elements [offset, offset + count) as Float32 (exact for every format).
    public func widen(into dst: UnsafeMutablePointer<Float>, from offset: Int, count: Int) {
        switch self {
        case .f32(let p): dst.update(from: p + offset, count: count)
        case .bf16(let p): HalfPrecision.widen(BF16.self, dst, p + offset, count: count)
        case .f16(let p): HalfPrecision.widen(F16.self, dst, p + offset, count: count)
        }
    }
}
