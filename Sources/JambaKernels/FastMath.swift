import Foundation

/// Vectorised elementwise math. Swift's `exp` on a SIMD vector is a per-lane libm call; the scan
/// needs one exp per (token, channel, state), so it gets a polynomial one (Cephes-style, relative
/// error ≈ 1.2e-7, the same order as libm's expf).
public enum FastMath {
    /// e^x for 16 lanes. Inputs are clamped to [-87.3, 88]: below, e^x is under Float's smallest
    /// normal (the result is then ≈ 1e-38 instead of a denormal or 0, harmless for every caller);
    /// above, it would overflow.
    @inline(__always)
    public static func exp(_ x: Vec16) -> Vec16 {
        var x = x.replacing(with: 88.0, where: x .> 88.0)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        // n = round(x / ln 2) via the 1.5·2^23 trick: adding it leaves the rounded integer in the
        // low mantissa bits, which also gives 2^n below without a float→int conversion.
        let magic: Float = 12_582_912
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        var r = x - n * 0.693_359_375          // ln 2, high part (exact in float)
        r = r - n * -2.121_944_4e-4             // ln 2, low part
        var p = Vec16(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let bits = (unsafeBitCast(t, to: SIMD16<UInt32>.self) &- magic.bitPattern &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: Vec16.self)
    }

    /// ln x for 16 lanes of positive, normal x (Cephes logf: split x = m · 2^e with m in
    /// [sqrt(1/2), sqrt(2)), a degree-9 polynomial in m - 1; relative error ≈ 1e-7).
    @inline(__always)
    public static func log(_ x: Vec16) -> Vec16 {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        var e = Vec16(SIMD16<Int32>(truncatingIfNeeded: (bits &>> 23) & 0xff) &- 126)
        // Mantissa in [0.5, 1).
        var m = unsafeBitCast((bits & 0x807f_ffff) | 0x3f00_0000, to: Vec16.self)
        let small = m .< 0.707_106_781
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = Vec16(repeating: 7.037_683_629_2e-2)
        y = y * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z
        y = y + e * -2.121_944_4e-4
        y = y - 0.5 * z
        return m + y + e * 0.693_359_375
    }

    /// PyTorch's softplus (beta 1, threshold 20) for 16 lanes: max(x, 0) + log1p(e^-|x|), with
    /// log1p(u) = ln(w) · u / (w - 1), w = 1 + u, which stays accurate when u is tiny.
    @inline(__always)
    public static func softplus(_ x: Vec16) -> Vec16 {
        let zero = Vec16(repeating: 0)
        let negAbs = x.replacing(with: -x, where: x .> zero)
        let u = exp(negAbs)
        let w = 1 + u
        let l1p = (log(w) * u / (w - 1)).replacing(with: u, where: w .== 1)
        let positive = x.replacing(with: zero, where: x .< zero)
        return (positive + l1p).replacing(with: x, where: x .> 20)
    }

    /// x · sigmoid(x) = x / (1 + e^-x).
    @inline(__always)
    public static func silu(_ x: Vec16) -> Vec16 { x / (1 + exp(-x)) }

    @inline(__always)
    public static func silu(_ x: Float) -> Float { x / (1 + Foundation.exp(-x)) }

    /// PyTorch's softplus with beta 1 and threshold 20: x above 20 passes through unchanged.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float { x > 20 ? x : log1p(Foundation.exp(x)) }
}
