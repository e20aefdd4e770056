/// NFC, NFD, NFKC and NFKD as `tokenizers` computes them (UAX #15: full decomposition, canonical
/// ordering by combining class, then canonical composition for the C forms).
///
/// Not Foundation's `precomposedStringWith...Mapping`: on Linux it composes a supplementary-plane
/// character with a following mark as if it were the BMP character with the same low 16 bits
/// (U+10064 + U+0323 came out as "ḍ"), and it skips some compositions after a compatibility
/// mapping. Not Swift's own either: the stdlib has no public normalization and a newer Unicode.
/// The data is NormalizationTables.swift, read off `tokenizers` itself.
enum UnicodeNormalizer {
    enum Form: Sendable {
        case nfc, nfd, nfkc, nfkd
    }

    static func normalize(_ text: [UInt8], _ form: Form) -> [UInt8] {
        // ASCII is its own normal form in all four; below U+0300 (lead bytes under 0xCC) text is
        // already composed, so NFC has nothing to do either.
        if text.allSatisfy({ $0 < (form == .nfc ? 0xCC : 0x80) }) { return text }
        let compatibility = form == .nfkc || form == .nfkd
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.count)
        text.withUnsafeBufferPointer { bytes in
            var i = 0
            while i < bytes.count {
                let (value, length) = decodeScalar(bytes, at: i)
                decompose(value, compatibility: compatibility, into: &scalars)
                i += length
            }
        }
        reorder(&scalars)
        if form == .nfc || form == .nfkc { compose(&scalars) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 8)
        for value in scalars {
            out.append(contentsOf: String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8)
        }
        return out
    }

    // MARK: Hangul syllables (by formula)

    private static let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161
    private static let tBase: UInt32 = 0x11A7, lCount: UInt32 = 19, vCount: UInt32 = 21, tCount: UInt32 = 28
    private static let nCount = vCount * tCount, sCount = lCount * vCount * tCount

    private static func decompose(_ value: UInt32, compatibility: Bool, into out: inout [UInt32]) {
        if value >= sBase && value < sBase + sCount {
            let index = value - sBase
            out.append(lBase + index / nCount)
            out.append(vBase + (index % nCount) / tCount)
            if index % tCount != 0 { out.append(tBase + index % tCount) }
            return
        }
        if value < 0xA0 { out.append(value); return }
        if compatibility, let mapping = tables.compatibility[value] { out += mapping; return }
        if let mapping = tables.canonical[value] { out += mapping; return }
        out.append(value)
    }

    /// Stable sort of every run of non-starters by combining class.
    private static func reorder(_ scalars: inout [UInt32]) {
        var i = 0
        while i < scalars.count {
            guard combiningClass(scalars[i]) != 0 else { i += 1; continue }
            var end = i
            while end < scalars.count && combiningClass(scalars[end]) != 0 { end += 1 }
            if end - i > 1 {
                let sorted = scalars[i..<end].enumerated().sorted {
                    let (a, b) = (combiningClass($0.element), combiningClass($1.element))
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                scalars.replaceSubrange(i..<end, with: sorted)
            }
            i = end
        }
    }

    /// Canonical composition: each character joins the last starter unless a character of the
    /// same or higher class (or a starter) stands between them.
    private static func compose(_ scalars: inout [UInt32]) {
        guard !scalars.isEmpty else { return }
        var out: [UInt32] = [scalars[0]]
        out.reserveCapacity(scalars.count)
        var starter = combiningClass(scalars[0]) == 0 ? 0 : -1
        var lastClass: Int = combiningClass(scalars[0]) == 0 ? 0 : 256
        for value in scalars.dropFirst() {
            let valueClass = Int(combiningClass(value))
            if starter >= 0 && (lastClass < valueClass || lastClass == 0),
               let composite = composePair(out[starter], value) {
                out[starter] = composite
                continue
            }
            if valueClass == 0 { starter = out.count }
            lastClass = valueClass
            out.append(value)
        }
        scalars = out
    }

    private static func composePair(_ first: UInt32, _ second: UInt32) -> UInt32? {
        // Hangul L + V → LV, LV + T → LVT.
        if first >= lBase && first < lBase + lCount && second >= vBase && second < vBase + vCount {
            return sBase + ((first - lBase) * vCount + (second - vBase)) * tCount
        }
        if first >= sBase && first < sBase + sCount && (first - sBase) % tCount == 0
            && second > tBase && second < tBase + tCount {
            return first + (second - tBase)
        }
        return tables.compositions[UInt64(first) << 32 | UInt64(second)]
    }

    @inline(__always)
    private static func combiningClass(_ value: UInt32) -> UInt8 {
        value < 0x300 ? 0 : tables.classes[value] ?? 0
    }

    // MARK: Tables

    private struct Tables: Sendable {
        var canonical: [UInt32: [UInt32]] = [:]
        var compatibility: [UInt32: [UInt32]] = [:]
        var classes: [UInt32: UInt8] = [:]
        var compositions: [UInt64: UInt32] = [:]
    }

    private static let tables: Tables = {
        var tables = Tables()
        func hex(_ text: Substring) -> UInt32 { UInt32(text, radix: 16) ?? 0 }
        func mappings(_ text: String) -> [UInt32: [UInt32]] {
            var out: [UInt32: [UInt32]] = [:]
            for entry in text.split(separator: ";") {
                let sides = entry.split(separator: "=")
                out[hex(sides[0])] = sides[1].split(separator: " ").map(hex)
            }
            return out
        }
        tables.canonical = mappings(NormalizationTables.canonical)
        tables.compatibility = mappings(NormalizationTables.compatibility)
        for entry in NormalizationTables.combiningClasses.split(separator: ",") {
            let sides = entry.split(separator: "=")
            let bounds = sides[0].split(separator: "-").map(hex)
            for value in bounds[0]...(bounds.count > 1 ? bounds[1] : bounds[0]) {
                tables.classes[value] = UInt8(sides[1]) ?? 0
            }
        }
        for entry in NormalizationTables.compositions.split(separator: ";") {
            let sides = entry.split(separator: "=")
            let pair = sides[0].split(separator: " ").map(hex)
            tables.compositions[UInt64(pair[0]) << 32 | UInt64(pair[1])] = hex(sides[1])
        }
        return tables
    }()
}
