import Foundation

/// Row-wise reductions over logits.
public enum Softmax {
    /// p [n] ← softmax(x [n]) in place, with the max subtracted first as PyTorch does.
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        var m = -Float.infinity
        for i in 0..<n { m = max(m, x[i]) }
        var s: Float = 0
        for i in 0..<n { x[i] = Foundation.exp(x[i] - m); s += x[i] }
        let inv = 1 / s
        for i in 0..<n { x[i] *= inv }
    }

    /// log Σ exp(x [n]), accumulated in Double so long vocabularies lose nothing.
    public static func logSumExp(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        var m = -Float.infinity
        for i in 0..<n { m = max(m, x[i]) }
        var s = 0.0
        for i in 0..<n { s += Foundation.exp(Double(x[i] - m)) }
        return Double(m) + Foundation.log(s)
    }

    /// Index of the largest value; the first one on ties (as torch.argmax).
    public static func argmax(_ x: UnsafePointer<Float>, count n: Int) -> Int {
        var best = 0
        var bestValue = x[0]
        for i in 1..<n where x[i] > bestValue { best = i; bestValue = x[i] }
        return best
    }
}
