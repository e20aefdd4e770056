import Foundation
import JambaEval

/// `bench --kernels` rendered for people (the measurement is `KernelBench` itself).
extension KernelBench {
    /// The results as a Markdown table: weight GB/s, and that ÷ sgemv's on the same shape (1 is
    /// the memory roofline as OpenBLAS reaches it).
    public static func markdown(_ results: [Result]) -> String {
        var lines = ["| kernel | weight [n×k] | rows | weights GB/s | ÷ sgemv |", "|---|---|---:|---:|---:|"]
        for r in results {
            let sgemv = results.first { $0.shape == r.shape && $0.kernel == .sgemv }?.bytesPerSecond ?? .nan
            lines.append(String(format: "| %@ | %@ | %d | %.1f | %.2f |", r.kernel.label, r.shape, r.rows,
                                r.bytesPerSecond / 1e9, r.bytesPerSecond / sgemv))
        }
        return lines.joined(separator: "\n")
    }
}

extension KernelBench.Kernel {
    var label: String {
        switch self { case .sgemv: "sgemv (OpenBLAS)"; case .skinny: "SkinnyGEMM F32"; case .halfSkinny: "HalfSkinnyGEMM BF16" }
    }
}
