/// What a needle's value looks like.
public enum NeedleValueKind: String, CaseIterable, Sendable {
    /// A 7-digit number (1000000…9999999).
    case number
    /// A random (version 4) UUID, lower case.
    case uuid

    /// The plural noun the prompt uses: "special magic numbers" / "special magic uuids".
    var plural: String { self == .number ? "numbers" : "uuids" }
    var singular: String { self == .number ? "number" : "uuid" }

    func draw(_ rng: inout SeededRandom) -> String {
        switch self {
        case .number: return String(rng.int(in: 1_000_000...9_999_999))
        case .uuid:
            var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = bytes[8] & 0x3F | 0x80
            let hex = bytes.map { b -> String in
                let s = String(b, radix: 16)
                return s.count == 1 ? "0" + s : s
            }
            return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]]
                .map { $0.joined() }.joined(separator: "-")
        }
    }
}
