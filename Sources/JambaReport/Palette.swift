import Foundation

/// Colours of the charts. Series use the Okabe–Ito palette (distinguishable with colour-vision
/// deficiencies); heatmaps use ColorBrewer's RdYlGn (accuracy) and RdBu (differences).
enum Palette {
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    static let missing = "#e6e6e6"
    static let grid = "#e3e3e3"
    static let axis = "#444444"
    static let ink = "#222222"
    static let muted = "#666666"

    static func series(_ i: Int) -> String { series[i % series.count] }

    /// 0 → red, 0.5 → yellow, 1 → green.
    static func accuracy(_ t: Double) -> String {
        ramp(t, ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"])
    }

    /// −1 → red (the hybrid worse), 0 → near white, +1 → blue (the hybrid better).
    static func diverging(_ t: Double) -> String {
        ramp((t + 1) / 2, ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"])
    }

    /// Dark text on light cells, white on dark ones (WCAG relative luminance).
    static func text(on hex: String) -> String {
        let (r, g, b) = rgb(hex)
        func lin(_ c: Double) -> Double { c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        return l < 0.22 ? "#ffffff" : "#111111"
    }

    static func ramp(_ t: Double, _ stops: [String]) -> String {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let a = rgb(stops[i]), b = rgb(stops[i + 1])
        func mix(_ p: Double, _ q: Double) -> Int { Int(((p + (q - p) * f) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    static func rgb(_ hex: String) -> (Double, Double, Double) {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        return (Double((v >> 16) & 255) / 255, Double((v >> 8) & 255) / 255, Double(v & 255) / 255)
    }
}
