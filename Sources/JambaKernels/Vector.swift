import CCPUID

/// The vector type of the hand-written kernels: 16 lanes, one AVX-512 register (four SSE registers
/// on a baseline x86-64 build). Loads and stores are unaligned because rows start at any column.
public typealias Vec16 = SIMD16<Float>

extension UnsafePointer where Pointee == Float {
    @inline(__always) func vec(_ i: Int) -> Vec16 { UnsafeRawPointer(self + i).loadUnaligned(as: Vec16.self) }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func vec(_ i: Int) -> Vec16 { UnsafeRawPointer(self + i).loadUnaligned(as: Vec16.self) }
    @inline(__always) func setVec(_ i: Int, _ v: Vec16) { UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Vec16.self) }
}

/// A Float32 vector a kernel may accumulate in: `Vec16`, or 8 lanes where 16 would not fit the
/// registers (SkinnyGEMM on AVX2). `treeSum` adds the lanes in a fixed tree (halves added pairwise
/// down to one), so a dot product's bits do not depend on what the compiler makes of a reduction.
protocol FloatLanes: SIMD where Scalar == Float {
    var treeSum: Float { get }
}

extension SIMD8: FloatLanes where Scalar == Float {
    @inline(__always) var treeSum: Float {
        let four = lowHalf + highHalf, two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }
}

extension SIMD16: FloatLanes where Scalar == Float {
    @inline(__always) var treeSum: Float {
        let eight = lowHalf + highHalf, four = eight.lowHalf + eight.highHalf, two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }
}

extension SIMD where Scalar == Float {
    /// self += a · b, lane by lane: one fused multiply-add where the build targets FMA; a multiply
    /// then an add in a baseline x86-64 build (`make PORTABLE=1`), where the fused form is a call
    /// to fmaf per lane (that build's jamba-mini decode at batch 1: 4.4 t/s with it, 33.9 without;
    /// Zen 5, 2 threads).
    /// Either way one build always sums the same way, so a row's bits still do not depend on the
    /// tile or the thread split.
    @inline(__always) mutating func madd(_ a: Self, _ b: Self) {
        if jamba_has_fma() != 0 { addProduct(a, b) } else { self += a * b }
    }
}
