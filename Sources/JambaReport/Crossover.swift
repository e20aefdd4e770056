import Foundation

/// Where a model's prefill overtakes the baseline's, from the two fits (PrefillFit), and the
/// speed ratio the fits extrapolate to at long contexts.
public struct Crossover: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Slower than the baseline up to `tokens`, faster from there on.
        case at
        /// Faster at every prompt length from 1 token on.
        case alwaysFaster = "always_faster"
        /// Slower at long prompts: the fits never let it overtake for good.
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
    /// The prompt length from which this model is faster; only for `at`.
    public var tokens: Int?
    /// True when `tokens` lies beyond the longest measured prompt (an extrapolation).
    public var extrapolated: Bool
    /// At 128K and 256K tokens (absent where a fit is not positive).
    public var ratios: [Ratio]

    public static let extrapolationContexts = [131_072, 262_144]

    /// Compares `model` against `baseline`.
    public static func between(_ model: PrefillFit, _ baseline: PrefillFit) -> Crossover {
        // d(T) = model time − baseline time; the model leads where d < 0.
        let da = model.a - baseline.a, db = model.b - baseline.b, dc = model.c - baseline.c
        // Roots of d, largest last; the sign for large T decides whether it ever leads for good.
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
        let eventuallyFaster = dc < 0 || (dc == 0 && (db < 0 || (db == 0 && da < 0)))
        let longest = Double(model.contexts.last ?? 0)
        let kind: Kind, tokens: Int?
        let lastRoot = roots.filter { $0 >= 1 }.max()
        if !eventuallyFaster || (lastRoot ?? 0) > 1e12 {
            // A crossover beyond a trillion tokens is the fit's rounding, not a prediction.
            kind = .never; tokens = nil
        } else if let r = lastRoot {
            // Past its largest root d stays negative.
            kind = .at; tokens = Int(r.rounded(.up))
        } else {
            kind = .alwaysFaster; tokens = nil
        }
        let ratios = extrapolationContexts.compactMap { t -> Ratio? in
            guard let m = model.tokensPerSecond(Double(t)), let b = baseline.tokensPerSecond(Double(t)) else { return nil }
            return Ratio(context: t, ratio: m / b)
        }
        return Crossover(model: model.model, baseline: baseline.model, kind: kind, tokens: tokens,
                         extrapolated: tokens.map { Double($0) > longest } ?? false, ratios: ratios)
    }
}
