import Foundation

/// How numbers read in tables and charts. One place, so summary.md, the CSVs' neighbours and the
/// charts never disagree about "4K" or "87.5".
public enum ReportFormat {
    /// A 0…1 mean as percent with one decimal: "87.5".
    static func percent(_ x: Double) -> String { String(format: "%.1f", 100 * x) }

    /// "87.5 ± 2.1" from a 0…1 mean and stderr.
    static func percent(_ mean: Double, _ stderr: Double) -> String {
        String(format: "%.1f ± %.1f", 100 * mean, 100 * stderr)
    }

    /// Signed percentage points with a true minus sign: "+12.5", "−3.0", "0.0".
    static func points(_ delta: Double, decimals: Int = 1) -> String {
        let s = String(format: "%.\(decimals)f", abs(100 * delta))
        if Double(s) == 0 { return s }
        return (delta < 0 ? "−" : "+") + s
    }

    /// p-values as papers print them: two decimals, three below 0.01, "<0.001" below that.
    static func pValue(_ p: Double) -> String {
        if p < 0.001 { return "<0.001" }
        return p < 0.01 ? String(format: "%.3f", p) : String(format: "%.2f", p)
    }

    /// Context lengths: "4K" for multiples of 1024 (as suites are written), else the number.
    static func context(_ n: Int) -> String {
        n >= 1024 && n % 1024 == 0 ? "\(n / 1024)K" : "\(n)"
    }

    /// Whole numbers with thousands separators, locale-free: "131,072".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Needle depth as a percentage of the context: "25%".
    static func depth(_ d: Double) -> String { "\(Int((100 * d).rounded()))%" }

    /// Binary units, as memory is allocated: "512 B", "48.0 KiB", "1.25 GiB".
    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), u = 0
        while abs(v) >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(n) B" }
        return String(format: v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v) + " " + units[u]
    }

    /// Parameter counts as llama-bench prints them: "51.6M", "1.20B", "850.0K".
    static func parameters(_ n: Int) -> String {
        let v = Double(n)
        if v >= 1e9 { return String(format: "%.2fB", v / 1e9) }
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fK", v / 1e3) }
        return "\(n)"
    }

    /// Axis numbers: "500", "2k", "1.5k", "20k", "1M".
    static func compact(_ x: Double) -> String {
        func trim(_ v: Double, _ suffix: String) -> String {
            var s = String(format: "%.1f", v)
            if s.hasSuffix(".0") { s.removeLast(2) }
            return s + suffix
        }
        if abs(x) >= 1e6 { return trim(x / 1e6, "M") }
        if abs(x) >= 1e3 { return trim(x / 1e3, "k") }
        if abs(x) >= 1 || x == 0 { return trim(x, "") }
        return String(format: "%g", x)
    }

    /// Seconds with sensible precision: "0.84 s", "12.3 s", "1234 s".
    static func seconds(_ s: Double) -> String {
        String(format: s >= 100 ? "%.0f s" : s >= 10 ? "%.1f s" : "%.2f s", s)
    }
}
