import COpenBLAS

/// Overdetermined linear least squares through LAPACKE's sgels (QR), the reason liblapacke is
/// linked: the run report fits prefill time against prompt length with it (PrefillFit).
///
/// Shapes: a [m, n] row-major, b [m], m ≥ n; the solution x [n] minimises ‖a·x − b‖₂.
/// Its naive twin (normal equations in Double) is in LeastSquaresTests.
public enum LeastSquares {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Fewer rows than unknowns, or a row/right-hand-side count that does not match.
        case shape(rows: Int, columns: Int, rhs: Int)
        /// sgels's info: < 0 an illegal argument, > 0 the matrix does not have full rank.
        case lapack(info: Int32)

        public var description: String {
            switch self {
            case let .shape(rows, columns, rhs):
                return "least squares needs at least as many rows as unknowns: \(rows) rows, \(columns) unknowns, \(rhs) right-hand sides"
            case let .lapack(info) where info > 0:
                return "least squares: the design matrix is rank-deficient (sgels info \(info)); the points do not determine the fit"
            case let .lapack(info):
                return "least squares: sgels rejected argument \(-info)"
            }
        }
    }

    /// x [n] minimising ‖a·x − b‖₂; a [m, n] row-major.
    public static func solve(_ a: [Float], _ b: [Float], rows m: Int, columns n: Int) throws -> [Float] {
        guard n > 0, m >= n, a.count == m * n, b.count == m else { throw Failure.shape(rows: m, columns: n, rhs: b.count) }
        var a = a, b = b
        // sgels overwrites a with its QR factors and b's first n entries with x.
        let info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                LAPACKE_sgels(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(m), Int32(n), 1,
                              ap.baseAddress, Int32(n), bp.baseAddress, 1)
            }
        }
        guard info == 0 else { throw Failure.lapack(info: info) }
        return Array(b[0..<n])
    }
}
