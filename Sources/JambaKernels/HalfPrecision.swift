/// A 16-bit float format the kernels widen to Float32: `BF16` or `F16`. Static, so the generic
/// kernels are specialised per format with no branch in their inner loops.
public protocol HalfFormat {
    /// One element as Float32 (exact).
    static func float(_ bits: UInt16) -> Float
    /// Sixteen elements as Float32 (exact), in registers: the kernels' inner-loop load.
    static func widen(_ bits: SIMD16<UInt16>) -> Vec16
    /// Float32 → this format, rounded to nearest even (what `init --dtype` writes).
    static func narrow(_ value: Float) -> UInt16
    /// Thirty-two consecutive elements read as sixteen little-endian 32-bit words, widened without
    /// any lane shuffle: element 2i is the low half of word i, element 2i + 1 the high half. The
    /// decode kernels meet these with x permuted the same way (`HalfSkinnyGEMM`), so the inner loop
    /// is shifts, masks and multiply-adds that every x86 vector width has (Swift's SIMD16<UInt16> →
    /// SIMD16<UInt32> conversion was left as an out-of-line call there, 3× slower than sgemv).
    static func pairs(_ words: SIMD16<UInt32>) -> (even: Vec16, odd: Vec16)
}

/// bfloat16: its bits are the top half of a float32's, so widening is a shift.
public enum BF16: HalfFormat {
    @inline(__always) public static func float(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    @inline(__always) public static func widen(_ bits: SIMD16<UInt16>) -> Vec16 {
        unsafeBitCast(SIMD16<UInt32>(truncatingIfNeeded: bits) &<< 16, to: Vec16.self)
    }

    @inline(__always) public static func pairs(_ words: SIMD16<UInt32>) -> (even: Vec16, odd: Vec16) {
        (unsafeBitCast(words &<< 16, to: Vec16.self), unsafeBitCast(words & 0xFFFF_0000, to: Vec16.self))
    }

    /// Round to nearest, ties to even (as torch's .to(torch.bfloat16)); NaN stays a quiet NaN.
    public static func narrow(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}

/// IEEE binary16. Widening moves the exponent and mantissa into float32's positions and multiplies
/// by 2^112 (the difference of the exponent biases, 127 − 15): exact for normal and subnormal
/// values alike, with no branch; Inf and NaN (exponent all ones) are patched with a select. Swift's
/// own Float16 → Float conversion is exact too, but compiles to a call per element without F16C.
public enum F16: HalfFormat {
    @inline(__always) public static func float(_ bits: UInt16) -> Float {
        let magnitude = UInt32(bits & 0x7FFF) << 13
        var f = Float(bitPattern: magnitude) * Float(bitPattern: 0x7780_0000)   // 2^112
        if bits & 0x7C00 == 0x7C00 { f = Float(bitPattern: 0x7F80_0000 | (UInt32(bits & 0x03FF) << 13)) }
        return UInt32(bits) & 0x8000 != 0 ? -f : f
    }

    @inline(__always) public static func widen(_ bits: SIMD16<UInt16>) -> Vec16 {
        widen32(SIMD16<UInt32>(truncatingIfNeeded: bits))
    }

    @inline(__always) public static func pairs(_ words: SIMD16<UInt32>) -> (even: Vec16, odd: Vec16) {
        (widen32(words & 0xFFFF), widen32(words &>> 16))
    }

    /// Sixteen F16 patterns held in the low halves of 32-bit lanes, widened.
    @inline(__always) static func widen32(_ wide: SIMD16<UInt32>) -> Vec16 {
        let magnitude = (wide & 0x7FFF) &<< 13
        var f = unsafeBitCast(magnitude, to: Vec16.self) * Float(bitPattern: 0x7780_0000)
        let special = (wide & 0x7C00) .== 0x7C00
        if any(special) {
            f.replace(with: unsafeBitCast(magnitude | 0x7F80_0000, to: Vec16.self), where: special)
        }
        let sign = (wide & 0x8000) &<< 16
        return unsafeBitCast(unsafeBitCast(f, to: SIMD16<UInt32>.self) | sign, to: Vec16.self)
    }

    public static func narrow(_ value: Float) -> UInt16 { Float16(value).bitPattern }
}

/// Widening of whole rows, vectorised (the prefill panels and the embedding rows).
public enum HalfPrecision {
    /// dst [count] = src [count] widened to Float32.
    @inline(__always)
    public static func widen<H: HalfFormat>(_: H.Type, _ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<UInt16>, count: Int) {
        let raw = UnsafeRawPointer(src)
        var i = 0
        while i + 16 <= count {
            dst.setVec(i, H.widen(raw.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)))
            i += 16
        }
        while i < count { dst[i] = H.float(src[i]); i += 1 }
    }
}
