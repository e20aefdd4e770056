import Foundation

/// Where a model's prefill overtakes the baseline's, from the two fits (PrefillFit), and the
/// speed ratio the fits extrapolate to at long contexts.
public struct Crossover: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Faster than the baseline from `tokens` on, for good (it may also lead in a window of
        /// shorter prompts).
        case at
        /// Faster at every prompt length from 1 token on.
        case alwaysFaster = "always_faster"
        /// Faster at some shorter prompts, slower from `tokens` on: its growing term outgrows
        /// the baseline's.
        case fasterUntil = "faster_until"
        /// Slower at every prompt length.
        case never
    }

    public struct Ratio: Codable, Sendable, Equatable {
        public var context: Int
        /// This model's prefill tokens/s ÷ the baseline's, both from the fits.
        public var ratio: Double
    }

    public var model: String
    public var baseline: String
    public var kind: Kind
    /// `at`: the prompt length from which this model is faster; `faster_until`: from which it is
    /// slower. Absent for the other kinds.
    public var tokens: Int?
    /// True when `tokens` lies beyond the longest prompt both models were measured at.
    public var extrapolated: Bool
    /// At 128K and 256K tokens (absent where a fit is not positive).
    public var ratios: [Ratio]

    public static let extrapolationContexts = [131_072, 262_144]

    /// Compares `model` against `baseline`.
    public static func between(_ model: PrefillFit, _ baseline: PrefillFit) -> Crossover {
        // d(T) = model time − baseline time; the model leads where d < 0.
        let da = model.a - baseline.a, db = model.b - baseline.b, dc = model.c - baseline.c
        // Roots of d, where the lead changes hands.
        var roots: [Double] = []
        if dc != 0 {
            let disc = db * db - 4 * dc * da
            if disc >= 0 {
                // The numerically stable pair (no cancellation when dc is tiny against db).
                let q = -0.5 * (db + (db >= 0 ? 1 : -1) * disc.squareRoot())
                roots = q != 0 ? [q / dc, da / q] : [0]
            }
        } else if db != 0 {
            roots = [-da / db]
        }
        // Prompts up to a trillion tokens: a root beyond that is the fits' rounding, not a
        // prediction. Past the largest root in range, d keeps its sign at the far end.
        let far = 1e12
        let fasterAtFar = da + db * far + dc * far * far < 0
        let lastRoot = roots.filter { $0 >= 1 && $0 <= far }.max()
        let kind: Kind
        switch (fasterAtFar, lastRoot) {
        case (true, .some): kind = .at
        case (true, .none): kind = .alwaysFaster
        case (false, .some): kind = .fasterUntil
        case (false, .none): kind = .never
        }
        let tokens = lastRoot.map { Int($0.rounded()) }  // "≈": the nearest token
        let longest = Double(min(model.contexts.last ?? 0, baseline.contexts.last ?? 0))
        let ratios = extrapolationContexts.compactMap { t -> Ratio? in
            guard let m = model.tokensPerSecond(Double(t)), let b = baseline.tokensPerSecond(Double(t)) else { return nil }
            return Ratio(context: t, ratio: m / b)
        }
        return Crossover(model: model.model, baseline: baseline.model, kind: kind, tokens: tokens,
                         extrapolated: tokens.map { Double($0) > longest } ?? false, ratios: ratios)
    }
}
