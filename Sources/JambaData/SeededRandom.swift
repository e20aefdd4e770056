import JambaSupport

/// xoshiro256** seeded through SplitMix64, with its own bounded-integer and shuffle routines.
/// The generators draw only through these (never `Int.random(in:using:)` or `shuffle(using:)`,
/// whose algorithms the standard library may change), so a seed gives the same dataset on every
/// toolchain and platform.
public struct SeededRandom: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// A generator for one record, derived from the run's seed and the record's coordinates
    /// (task, length, depth, sample). Each record depends only on these, so adding a length to
    /// the grid or reordering the loops does not change the other records.
    public init(seed: UInt64, labels: [String]) {
        // FNV-1a over the labels, each terminated by a 0 byte so ("ab","c") ≠ ("a","bc").
        var h = FNV1a()
        for label in labels { h.add(label); h.add([0]) }
        self.init(seed: seed ^ h.value)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in 0..<bound (Lemire's multiply-and-reject).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "SeededRandom.below needs a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }

    /// `k` distinct values from 0..<n, in random order.
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k <= n, "cannot draw \(k) distinct values from \(n)")
        if k * 4 < n {
            var seen = Set<Int>()
            var out: [Int] = []
            while out.count < k {
                let v = below(n)
                if seen.insert(v).inserted { out.append(v) }
            }
            return out
        }
        var all = Array(0..<n)
        for i in 0..<k { all.swapAt(i, i + below(n - i)) }
        return Array(all[0..<k])
    }
}
