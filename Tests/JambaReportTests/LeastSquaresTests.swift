import XCTest
import JambaSupport
@testable import JambaReport

/// LeastSquares (LAPACKE's sgels) against a naive twin: the normal equations in Double.
final class LeastSquaresTests: XCTestCase {
    private var rng = SplitMix64(seed: 14)

    /// Uniform in [-1, 1), seeded.
    private func random(_ n: Int) -> [Float] {
        (0..<n).map { _ in Float(Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1) }
    }

    /// Largest difference relative to the largest reference value, as the kernel tests judge.
    private func assertClose(_ a: [Float], _ b: [Float], rel: Float, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, line: line)
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, rel, line: line)
    }

    /// Least squares by the normal equations aᵀa·x = aᵀb, solved in Double by Gaussian elimination
    /// with partial pivoting; a [m, n] row-major. Numerically poorer than QR, exact enough to check it.
    static func normalEquations(_ a: [Float], _ b: [Float], rows m: Int, columns n: Int) -> [Double] {
        var g = [Double](repeating: 0, count: n * (n + 1))  // [n, n | aᵀb]
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for r in 0..<m { s += Double(a[r * n + i]) * Double(a[r * n + j]) }
                g[i * (n + 1) + j] = s
            }
            var s = 0.0
            for r in 0..<m { s += Double(a[r * n + i]) * Double(b[r]) }
            g[i * (n + 1) + n] = s
        }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(g[$0 * (n + 1) + col]) < abs(g[$1 * (n + 1) + col]) }!
            for j in 0...n { g.swapAt(col * (n + 1) + j, pivot * (n + 1) + j) }
            for r in 0..<n where r != col {
                let f = g[r * (n + 1) + col] / g[col * (n + 1) + col]
                for j in col...n { g[r * (n + 1) + j] -= f * g[col * (n + 1) + j] }
            }
        }
        return (0..<n).map { g[$0 * (n + 1) + n] / g[$0 * (n + 1) + $0] }
    }

    func testLeastSquaresMatchesNaive() throws {
        // A tall random system: QR (sgels) and the normal equations in Double agree.
        let m = 23, n = 4
        let a = random(m * n), b = random(m)
        let x = try LeastSquares.solve(a, b, rows: m, columns: n)
        let ref = Self.normalEquations(a, b, rows: m, columns: n)
        assertClose(x, ref.map(Float.init), rel: 1e-5)
        // The residual is orthogonal to the columns: aᵀ(a·x − b) ≈ 0.
        for j in 0..<n {
            var g: Float = 0
            for r in 0..<m {
                var ax: Float = 0
                for k in 0..<n { ax += a[r * n + k] * x[k] }
                g += a[r * n + j] * (ax - b[r])
            }
            XCTAssertEqual(g, 0, accuracy: 1e-4)
        }
    }

    func testLeastSquaresRecoversAnExactQuadratic() throws {
        // y = 0.5 + 2t − 3t² sampled without noise: the fit returns the coefficients.
        let ts: [Float] = [0.0625, 0.25, 0.5, 0.75, 1]
        let a: [Float] = ts.flatMap { [1, $0, $0 * $0] }
        let b: [Float] = ts.map { 0.5 + 2 * $0 - 3 * $0 * $0 }
        let x = try LeastSquares.solve(a, b, rows: ts.count, columns: 3)
        XCTAssertEqual(x[0], 0.5, accuracy: 1e-5)
        XCTAssertEqual(x[1], 2, accuracy: 1e-4)
        XCTAssertEqual(x[2], -3, accuracy: 1e-4)
    }

    func testLeastSquaresRefusesBadShapesAndRankDeficiency() {
        XCTAssertThrowsError(try LeastSquares.solve([1, 2, 3, 4], [1, 2], rows: 1, columns: 4)) {
            XCTAssertEqual($0 as? LeastSquares.Failure, .shape(rows: 1, columns: 4, rhs: 2))
        }
        // A zero column: no unique answer (QR meets an exact zero on R's diagonal).
        XCTAssertThrowsError(try LeastSquares.solve([1, 0, 2, 0, 3, 0], [1, 2, 3], rows: 3, columns: 2)) {
            guard case .lapack(let info)? = $0 as? LeastSquares.Failure else { return XCTFail("\($0)") }
            XCTAssertGreaterThan(info, 0)
            XCTAssertTrue("\($0)".contains("rank-deficient"))
        }
    }
}
