/// Rotary position embedding applied in place (transformers' apply_rotary_pos_emb with the
/// rotate-half convention): for each head, pair element i with element i + hd/2 and turn the pair
/// by the row's angle θ_i:
///   x'[i]        = x[i]·cos θ_i − x[i + hd/2]·sin θ_i
///   x'[i + hd/2] = x[i + hd/2]·cos θ_i + x[i]·sin θ_i
///
/// Shapes (R rows, H heads, hd = head_dim, half = hd / 2):
///   x         [R, H·hd]  row stride ld, rotated in place
///   cos, sin  [R, half]  the row's angles (position · inv_freq), shared by every head
public enum Rotary {
    public static func apply(_ x: UnsafeMutablePointer<Float>, ld: Int, rows: Int, heads: Int, headDim hd: Int,
                             cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, context: ComputeContext) {
        let half = hd / 2
        context.forRanges(rows, work: rows * heads * hd * 3) { range in
            for r in range {
                let c = cos + r * half, s = sin + r * half
                for h in 0..<heads {
                    let a = x + r * ld + h * hd, b = a + half
                    var i = 0
                    while i + 16 <= half {
                        let av = a.vec(i), bv = b.vec(i), cv = c.vec(i), sv = s.vec(i)
                        a.setVec(i, av * cv - bv * sv)
                        b.setVec(i, bv * cv + av * sv)
                        i += 16
                    }
                    while i < half {
                        let av = a[i], bv = b[i]
                        a[i] = av * c[i] - bv * s[i]
                        b[i] = bv * c[i] + av * s[i]
                        i += 1
                    }
                }
            }
        }
    }

    /// cos and sin [rows, half] for `rows` consecutive positions from `first`, angle =
    /// Float(position) · inv_freq rounded to Float as transformers computes it (float32 product),
    /// then its cosine and sine.
    public static func fillTable(cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>,
                                 inverseFrequencies inv: [Float], firstPosition first: Int, rows: Int) {
        let half = inv.count
        for r in 0..<rows {
            let p = Float(first + r)
            for i in 0..<half {
                let angle = Double(p * inv[i])
                cos[r * half + i] = Float(_cos(angle))
                sin[r * half + i] = Float(_sin(angle))
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Darwin
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
#endif
