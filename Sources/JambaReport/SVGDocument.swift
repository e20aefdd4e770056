import Foundation

/// A hand-written SVG drawing: a few primitives that escape their text, nothing else. Charts
/// stay dependency-free and their output is plain text a test can parse.
struct SVGDocument {
    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

    let width: Double
    let height: Double
    private var defs: [String] = []
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width.rounded(.up); self.height = height.rounded(.up)
    }

    /// Width of `text` at `size` px, estimated from DejaVu Sans advance widths (what rsvg and
    /// most Linux browsers pick for the font list below), 5% generous: no font metrics without a
    /// dependency, and layout only needs to leave enough room.
    static func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for c in text {
            switch c {
            case "i", "j", "l", "'", "|", ".", ",", ":", ";", "!": em += 0.28
            case " ", "f", "t", "(", ")", "[", "]", "/", "-", "r": em += 0.38
            case "m", "w", "M", "W", "%", "@", "—", "×": em += 0.92
            case "A"..."Z": em += 0.74
            case "±", "−", "+", "=", "<", ">": em += 0.84
            default: em += 0.62
            }
        }
        return em * size * (bold ? 1.12 : 1) * 1.05
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    static func num(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
    }

    enum Anchor: String { case start, middle, end }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, strokeWidth: Double = 1, cssClass: String? = nil) {
        var a = "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"\(fill)\""
        if let s = stroke { a += " stroke=\"\(s)\" stroke-width=\"\(Self.num(strokeWidth))\"" }
        if let c = cssClass { a += " class=\"\(c)\"" }
        body.append(a + "/>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        var a = "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\""
        if let d = dash { a += " stroke-dasharray=\"\(d)\"" }
        body.append(a + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        let p = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        var a = "<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\" stroke-linejoin=\"round\""
        if let d = dash { a += " stroke-dasharray=\"\(d)\"" }
        body.append(a + "/>")
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String? = nil) {
        let p = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        var a = "<polygon points=\"\(p)\" fill=\"\(fill)\""
        if let s = stroke { a += " stroke=\"\(s)\"" }
        body.append(a + "/>")
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil) {
        var a = "<circle cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\" fill=\"\(fill)\""
        if let s = stroke { a += " stroke=\"\(s)\" stroke-width=\"1.5\"" }
        body.append(a + "/>")
    }

    /// Text at (x, y) baseline; `rotate` turns it about its anchor (−90 for a y-axis title).
    mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                       fill: String = "#222", bold: Bool = false, rotate: Double? = nil) {
        var a = "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if bold { a += " font-weight=\"bold\"" }
        if let r = rotate { a += " transform=\"rotate(\(Self.num(r)) \(Self.num(x)) \(Self.num(y)))\"" }
        body.append(a + ">\(Self.escape(s))</text>")
    }

    /// A vertical gradient (top colour first) usable as `fill="url(#id)"`.
    mutating func verticalGradient(id: String, topToBottom colors: [String]) {
        let stops = colors.enumerated().map { i, c in
            "<stop offset=\"\(Self.num(100 * Double(i) / Double(max(colors.count - 1, 1))))%\" stop-color=\"\(c)\"/>"
        }.joined()
        defs.append("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">\(stops)</linearGradient>")
    }

    func render() -> String {
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" viewBox=\"0 0 \(Self.num(width)) \(Self.num(height))\" font-family=\"\(Self.font)\">",
                   "<rect x=\"0\" y=\"0\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"#ffffff\"/>"]
        if !defs.isEmpty { out.append("<defs>" + defs.joined() + "</defs>") }
        out += body
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
