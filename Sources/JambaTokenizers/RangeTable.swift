/// Sorted inclusive code point ranges parsed from "41-5A,61-7A,AA", searched by bisection.
struct RangeTable: Sendable {
    private let lows: [UInt32]
    private let highs: [UInt32]

    init(_ text: String) {
        var lows: [UInt32] = []
        var highs: [UInt32] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: "-").compactMap { UInt32($0, radix: 16) }
            guard let low = bounds.first else { continue }
            lows.append(low)
            highs.append(bounds.count > 1 ? bounds[1] : low)
        }
        self.lows = lows
        self.highs = highs
    }

    /// The ranges as the inside of an ICU character class: `\x{41}-\x{5A}\x{61}-\x{7A}`.
    var classBody: String {
        zip(lows, highs).map { low, high in
            low == high ? "\\x{\(String(low, radix: 16))}"
                : "\\x{\(String(low, radix: 16))}-\\x{\(String(high, radix: 16))}"
        }.joined()
    }

    func contains(_ value: UInt32) -> Bool {
        var low = 0
        var high = lows.count
        while low < high {
            let middle = (low + high) / 2
            if lows[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low > 0 && value <= highs[low - 1]
    }
}
