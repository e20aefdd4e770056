/// Finds NaN and ±Inf in Float32 data. A float is non-finite exactly when its 8 exponent bits are
/// all ones, so the test is an integer mask-and-compare on the bit pattern, 16 lanes at a time:
/// a weight scan at load reads memory at close to its bandwidth, and a check of a logits row is
/// negligible next to the matrix product that made it.
public enum NonFinite {
    private static let exponent: UInt32 = 0x7F80_0000

    /// How many of the `count` values at `p` are NaN or ±Inf.
    public static func count(_ p: UnsafePointer<Float>, _ count: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        var total = 0
        var i = 0
        let mask = SIMD16<UInt32>(repeating: exponent), zero = SIMD16<UInt32>(repeating: 0)
        // Lane counts stay below 2^32: each block adds at most 1 per lane, and blocks are flushed
        // into `total` every 2^20 iterations.
        while i + 16 <= count {
            var lanes = SIMD16<UInt32>(repeating: 0)
            let end = min(count - 15, i + 16 << 20)
            while i < end {
                let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<UInt32>.self)
                lanes &+= zero.replacing(with: 1, where: v & mask .== mask)
                i += 16
            }
            total += Int(lanes.wrappedSum())
        }
        while i < count {
            if raw.load(fromByteOffset: 4 * i, as: UInt32.self) & exponent == exponent { total += 1 }
            i += 1
        }
        return total
    }

    /// Index of the first NaN or ±Inf among the `count` values at `p`, nil when all are finite.
    public static func first(_ p: UnsafePointer<Float>, _ count: Int) -> Int? {
        let raw = UnsafeRawPointer(p)
        let mask = SIMD16<UInt32>(repeating: exponent)
        var i = 0
        while i + 16 <= count {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<UInt32>.self)
            if any(v & mask .== mask) { break }
            i += 16
        }
        while i < count {
            if raw.load(fromByteOffset: 4 * i, as: UInt32.self) & exponent == exponent { return i }
            i += 1
        }
        return nil
    }

    /// True when every value is finite.
    @inline(__always)
    public static func allFinite(_ p: UnsafePointer<Float>, _ count: Int) -> Bool { first(p, count) == nil }

    /// The same test for 16-bit floats, whose exponent field is `exponentMask` (BF16: 0x7F80,
    /// F16: 0x7C00): index of the first NaN or ±Inf, nil when all are finite.
    public static func first(halves p: UnsafePointer<UInt16>, _ count: Int, exponentMask: UInt16) -> Int? {
        let raw = UnsafeRawPointer(p)
        let mask = SIMD16<UInt16>(repeating: exponentMask)
        var i = 0
        while i + 16 <= count {
            if any(raw.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self) & mask .== mask) { break }
            i += 16
        }
        while i < count {
            if p[i] & exponentMask == exponentMask { return i }
            i += 1
        }
        return nil
    }

    /// How many of the `count` 16-bit floats at `p` are NaN or ±Inf (the error message's count).
    public static func count(halves p: UnsafePointer<UInt16>, _ count: Int, exponentMask: UInt16) -> Int {
        var total = 0
        for i in 0..<count where p[i] & exponentMask == exponentMask { total += 1 }
        return total
    }
}
