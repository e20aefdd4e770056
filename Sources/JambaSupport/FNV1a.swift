/// FNV-1a, 64-bit: a hash that is the same on every run and machine (Swift's Hasher is seeded per
/// process), for fingerprints and for deriving seeds from names. Callers choose their own framing
/// (separators, terminators); this type only folds bytes in.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }

    public mutating func add(_ text: String) { add(text.utf8) }

    /// The hash of one string's UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        var h = FNV1a()
        h.add(text)
        return h.value
    }
}
