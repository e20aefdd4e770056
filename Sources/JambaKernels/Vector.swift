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
