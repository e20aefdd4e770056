/// The largest value that fits, for a monotone test (if n fits, every smaller value fits), found
/// by probing: steps of 1, 2, 4, … units away from a starting guess until the verdict flips, then
/// bisection down to one unit. Every probed value is a multiple of `unit` (the resolution).
///
/// Without a guess it starts at one unit, which makes the first phase plain doubling of the value
/// (1, 2, 4, 8 … units). A good guess (the computed estimate) brackets the answer in two probes;
/// a bad one costs a few more, never a wrong answer. No value is probed twice.
public struct FitSearch: Sendable {
    /// The resolution: values probed are k·unit, k ≥ 1.
    public let unit: Int
    /// First value probed (rounded down to a multiple of unit, at least one unit); nil for one unit.
    public let guess: Int?
    /// Largest value worth probing (rounded down to a multiple of unit); nil for no limit.
    public let limit: Int?

    public init(unit: Int, guess: Int? = nil, limit: Int? = nil) {
        precondition(unit > 0, "unit must be positive")
        precondition(limit.map { $0 >= unit } ?? true, "limit must be at least one unit")
        self.unit = unit; self.guess = guess; self.limit = limit
    }

    public struct Probe: Codable, Sendable, Equatable {
        public var value: Int
        public var fits: Bool
        public init(value: Int, fits: Bool) { self.value = value; self.fits = fits }
    }

    public struct Outcome: Codable, Sendable, Equatable {
        /// The largest value that fitted; 0 when not even one unit did.
        public var largestFitting: Int
        /// The smallest value that did not fit (largestFitting + unit once the search is done); nil
        /// when the limit itself fitted, so the answer is "at least largestFitting".
        public var smallestFailing: Int?
        /// In the order they ran.
        public var probes: [Probe]

        /// True when the limit stopped the search, not a failing probe.
        public var reachedLimit: Bool { smallestFailing == nil }
    }

    /// Runs the search; `fits(value)` is the (expensive) test.
    public func run(_ fits: (Int) throws -> Bool) rethrows -> Outcome {
        let top = limit.map { $0 / unit }          // in units
        var probes: [Probe] = []
        var known: [Int: Bool] = [:]
        func test(_ k: Int) throws -> Bool {
            if let v = known[k] { return v }
            let v = try fits(k * unit)
            known[k] = v
            probes.append(Probe(value: k * unit, fits: v))
            return v
        }
        var start = max(1, (guess ?? unit) / unit)
        if let top { start = min(start, top) }
        var lo: Int, hi: Int?                      // lo fits (0: nothing known to fit), hi does not
        if try test(start) {
            lo = start; hi = nil
            var step = 1
            while true {
                var k = lo + step
                if let top { k = min(k, top) }
                if k == lo { break }               // lo is the limit: it fits
                if try test(k) { lo = k; step *= 2 } else { hi = k; break }
            }
        } else {
            hi = start; lo = 0
            var step = 1
            while true {
                let k = max(start - step, 1)
                if k >= hi! { break }              // hi is one unit and fails: nothing fits
                if try test(k) { lo = k; break }
                hi = k; step *= 2
            }
        }
        if var h = hi {
            while h - lo > 1 {
                let mid = lo + (h - lo) / 2
                if try test(mid) { lo = mid } else { h = mid }
            }
            hi = h
        }
        return Outcome(largestFitting: lo * unit, smallestFailing: hi.map { $0 * unit }, probes: probes)
    }
}
