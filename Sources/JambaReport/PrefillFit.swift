import Foundation

/// One model's prefill time per prompt as a function of its length T: a + b·T + c·T² seconds.
///
/// b is the per-token cost (projections, MLPs, the scan), c the attention score/value products
/// that grow with the prefix, a the fixed overhead. The fit is least squares on the relative error
/// over every repetition of every prefill probe (rows scaled by 1/measured time), so a 256-token
/// prompt weighs as much as a 4K one; T is scaled by the longest probe to keep the QR well
/// conditioned in Float32.
public struct PrefillFit: Codable, Sendable, Equatable {
    public var model: String
    /// The measured prompt lengths, ascending.
    public var contexts: [Int]
    /// Repetitions fitted (rows of the least-squares problem).
    public var points: Int
    /// Seconds (fixed cost per prompt).
    public var a: Double
    /// Seconds per token.
    public var b: Double
    /// Seconds per token².
    public var c: Double
    /// True when the fit held a, b or c at 0: no cost can be negative, and when the unconstrained
    /// fit makes one so (noise, or no quadratic growth in a model without attention) the best fit
    /// with it at 0 is taken instead.
    public var aHeldAtZero: Bool
    public var bHeldAtZero: Bool
    public var cHeldAtZero: Bool
    /// Root mean square of (fit − measured) ÷ measured over the fitted repetitions.
    public var residual: Double

    enum CodingKeys: String, CodingKey {
        case model, contexts, points, a, b, c, residual
        case aHeldAtZero = "a_held_at_zero"
        case bHeldAtZero = "b_held_at_zero"
        case cHeldAtZero = "c_held_at_zero"
    }

    /// Fitted seconds for a prompt of `tokens` tokens.
    public func seconds(_ tokens: Double) -> Double { a + b * tokens + c * tokens * tokens }

    /// Fitted prefill tokens/s at `tokens`; nil where the fit is not positive.
    public func tokensPerSecond(_ tokens: Double) -> Double? {
        let s = seconds(tokens)
        return s > 0 ? tokens / s : nil
    }

    /// Fits (prompt tokens, seconds) measurements; nil with fewer than three distinct lengths
    /// (three unknowns) or when the QR finds them degenerate.
    public static func fit(model: String, _ measurements: [(tokens: Int, seconds: Double)]) -> PrefillFit? {
        let points = measurements.filter { $0.tokens > 0 && $0.seconds > 0 && $0.seconds.isFinite }
        let contexts = Set(points.map(\.tokens)).sorted()
        guard contexts.count >= 3, let longest = contexts.last else { return nil }
        let scale = Double(longest)

        // Columns 1, t, t² with t = T / longest; each row divided by the measured time. `terms`
        // picks the columns (0: a, 1: b, 2: c); the others are held at 0.
        func solve(_ terms: [Int]) -> (coef: [Double], residual: Double)? {
            var a: [Float] = [], rhs: [Float] = []
            for p in points {
                let t = Double(p.tokens) / scale
                let row = [1, t, t * t]
                a += terms.map { Float(row[$0] / p.seconds) }
                rhs.append(1)
            }
            guard let x = try? LeastSquares.solve(a, rhs, rows: points.count, columns: terms.count) else { return nil }
            // Back to seconds, seconds per token, seconds per token².
            var coef = [0.0, 0, 0]
            for (i, term) in terms.enumerated() { coef[term] = Double(x[i]) / pow(scale, Double(term)) }
            var sum = 0.0
            for p in points {
                let t = Double(p.tokens)
                let r = (coef[0] + coef[1] * t + coef[2] * t * t - p.seconds) / p.seconds
                sum += r * r
            }
            return (coef, (sum / Double(points.count)).squareRoot())
        }
        // Non-negative a, b and c: the constrained optimum is the unconstrained fit on some subset
        // of the terms, so the best feasible fit over the seven non-empty subsets is it.
        var best: (terms: [Int], coef: [Double], residual: Double)?
        for terms in [[0, 1, 2], [0, 1], [0, 2], [1, 2], [0], [1], [2]] {
            guard let f = solve(terms), f.coef.allSatisfy({ $0 >= 0 }) else { continue }
            if best == nil || f.residual < best!.residual - 1e-12 { best = (terms, f.coef, f.residual) }
        }
        guard let best else { return nil }
        return PrefillFit(model: model, contexts: contexts, points: points.count, a: best.coef[0], b: best.coef[1], c: best.coef[2],
                          aHeldAtZero: !best.terms.contains(0), bHeldAtZero: !best.terms.contains(1), cHeldAtZero: !best.terms.contains(2), residual: best.residual)
    }
}
