import Foundation

/// Maps data values to pixels along one axis, linearly or logarithmically, and picks its ticks.
struct ChartScale {
    enum Kind { case linear, log }

    let kind: Kind
    let domain: (Double, Double)
    /// Pixel positions of domain.0 and domain.1 (y runs downwards, so its range is reversed).
    let range: (Double, Double)

    func map(_ v: Double) -> Double {
        let (a, b) = kind == .log ? (log10(domain.0), log10(domain.1)) : domain
        let x = kind == .log ? log10(v) : v
        let f = b == a ? 0.5 : (x - a) / (b - a)
        return range.0 + f * (range.1 - range.0)
    }

    /// A log domain around positive values with a margin of `pad` (a factor) on each side.
    static func logDomain(_ values: [Double], pad: Double) -> (Double, Double) {
        let v = values.filter { $0 > 0 }
        guard let lo = v.min(), let hi = v.max() else { return (1, 10) }
        return lo == hi ? (lo / 2, hi * 2) : (lo / pad, hi * pad)
    }

    /// The 1-2-5 sequence at or below `v`, or at or above it.
    static func logRound(_ v: Double, up: Bool) -> Double {
        let e = floor(log10(v))
        let steps = [1.0, 2, 5, 10].map { $0 * pow(10, e) }
        return up ? steps.first { $0 >= v * 0.999 }! : steps.last { $0 <= v * 1.001 }!
    }

    /// A log domain around positive values, widened by `pad` and then out to 1-2-5 values, so
    /// both ends carry a labelled tick.
    static func niceLogDomain(_ values: [Double], pad: Double) -> (Double, Double) {
        let (lo, hi) = logDomain(values, pad: pad)
        return (logRound(lo, up: false), logRound(hi, up: true))
    }

    /// 1-2-5 ticks over up to three decades, decades beyond, inside the domain.
    static func logTicks(_ domain: (Double, Double)) -> [Double] {
        let lo = Int(floor(log10(domain.0))), hi = Int(ceil(log10(domain.1)))
        let steps: [Double] = hi - lo <= 3 ? [1, 2, 5] : [1]
        var out: [Double] = []
        for e in lo...hi { for s in steps { out.append(s * pow(10, Double(e))) } }
        return out.filter { $0 >= domain.0 * 0.999 && $0 <= domain.1 * 1.001 }
    }

    /// Keeps ticks, in the given order of priority, whose labels stay `gap` pixels apart.
    static func spaced(_ ticks: [(position: Double, width: Double)], gap: Double) -> [Int] {
        var kept: [Int] = []
        for (i, t) in ticks.enumerated() {
            let clear = kept.allSatisfy { k in
                abs(ticks[k].position - t.position) >= (ticks[k].width + t.width) / 2 + gap
            }
            if clear { kept.append(i) }
        }
        return kept.sorted()
    }
}
