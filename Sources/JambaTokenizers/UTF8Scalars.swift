// Small helpers for walking valid UTF-8 (every buffer here comes from a Swift String or from
// code that writes only whole scalars), used wherever the pipeline works on bytes.

/// Decoding UTF-8 one scalar at a time from a byte buffer that is known to be valid UTF-8 (it came
/// from a Swift String). Returns the scalar value and its length in bytes.
@inline(__always)
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(bytes[index])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 {
        return ((b0 & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
    }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
                    | UInt32(bytes[index + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
}

/// Length in bytes of the UTF-8 sequence that starts with `lead`.
@inline(__always)
func utf8Length(lead: UInt8) -> Int {
    if lead < 0x80 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
}

/// Start of the scalar that ends just before `index` (walks back over continuation bytes).
@inline(__always)
func previousScalarStart(_ bytes: UnsafeBufferPointer<UInt8>, before index: Int) -> Int {
    var i = index - 1
    while i > 0 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
    return i
}

/// Whether `bytes` are well-formed UTF-8 (ASCII takes the fast path).
func isValidUTF8<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
    if bytes.allSatisfy({ $0 < 0x80 }) { return true }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}
