import Dispatch
import Foundation

/// A deliberate slowdown for proving that the CI gate catches regressions. With
/// JAMBA_EVAL_DEBUG_SLOWDOWN="NAME=FACTOR" (FACTOR ≥ 1), every timed forward of a bench model whose
/// name contains NAME is followed, inside the timed region, by a busy spin of (FACTOR - 1) × its
/// own duration: the process really takes FACTOR times as long, on the CPU, as slower code would.
/// `bench` prints a warning whenever it is set, so it cannot hide in a real measurement.
public enum BenchSlowdown {
    public static let setting: (model: String, factor: Double)? = {
        guard let raw = ProcessInfo.processInfo.environment["JAMBA_EVAL_DEBUG_SLOWDOWN"] else { return nil }
        let parts = raw.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let f = Double(parts[1]), f >= 1 else { return nil }
        return (String(parts[0]), f)
    }()

    /// Spins so that work which started at `start` ends up taking factor × as long.
    static func stretch(model: String, since start: UInt64) {
        guard let s = setting, model.contains(s.model), s.factor > 1 else { return }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(Double(elapsed) * (s.factor - 1))
        var x: UInt64 = 1
        while DispatchTime.now().uptimeNanoseconds < until { x = x &* 6364136223846793005 &+ 1 }
        if x == 0 { print("") }   // keeps the loop from being optimised away
    }
}
