import Foundation

/// Lines over context length (log x), one per series, with markers, optional ± error bars and a
/// legend to the right of the plot, where it cannot cover a line.
struct LineChart {
    struct Point {
        var x: Double
        var y: Double
        /// Half-length of the error bar, in y units.
        var error: Double?
    }

    enum Marker { case circle, square, triangle, diamond }

    struct Series {
        var label: String
        var color: String
        var dashed: Bool
        var marker: Marker
        var points: [Point]
        /// Draw the line through the points (off: markers alone, for measurements beside a fit).
        var line: Bool = true
        /// Draw a marker at each point (off: a plain curve, for a fitted function).
        var markers: Bool = true
    }

    var title: String
    var subtitle: String
    var xLabel: String
    var yLabel: String
    var yKind: ChartScale.Kind
    /// Fixed y domain and ticks (accuracy: 0…100 by 20); nil derives them from the data.
    var yFixed: (domain: (Double, Double), ticks: [Double])?
    var yFormat: (Double) -> String
    var series: [Series]
    /// A line under the plot, e.g. what was left out.
    var note: String?
    /// Pixels between neighbouring series at the same x, so error bars of models measured at the
    /// same lengths sit side by side instead of on top of each other.
    var dodge: Double = 0

    func svg() -> String {
        let titleSize = 16.0, textSize = 12.0
        let plotW = 540.0, plotH = 320.0
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.flatMap { p in [p.y - (p.error ?? 0), p.y + (p.error ?? 0), p.y] } }
        let xDomain = ChartScale.logDomain(xs, pad: 1.35)
        let (yDomain, yTicks): ((Double, Double), [Double]) = {
            if let f = yFixed { return (f.domain, f.ticks) }
            switch yKind {
            case .log:
                let d = ChartScale.niceLogDomain(ys.filter { $0 > 0 }, pad: 1.15)
                return (d, ChartScale.logTicks(d))
            case .linear:
                let lo = min(0, ys.min() ?? 0), hi = max(ys.max() ?? 1, lo + 1)
                let step = Self.niceStep((hi - lo) / 5)
                let top = (hi / step).rounded(.up) * step
                return ((lo, top), stride(from: lo, through: top + step / 2, by: step).map { $0 })
            }
        }()
        let yLabels = yTicks.map(yFormat)
        let yTickW = yLabels.map { SVGDocument.textWidth($0, size: textSize) }.max() ?? 0
        let left = 34 + yTickW + 10, top = 64.0
        let legendX = left + plotW + 24
        let legendW = 34 + (series.map { SVGDocument.textWidth($0.label, size: textSize) }.max() ?? 0)
        let width = max(legendX + legendW + 16, SVGDocument.textWidth(title, size: titleSize, bold: true) + 40,
                        SVGDocument.textWidth(subtitle, size: textSize) + 40,
                        left + SVGDocument.textWidth(note ?? "", size: textSize - 1) + 16)
        let legendBottom = top + 8 + 22 * Double(series.count)
        let height = max(top + plotH, legendBottom) + 56 + (note == nil ? 0 : 20)
        let x = ChartScale(kind: .log, domain: xDomain, range: (left, left + plotW))
        let y = ChartScale(kind: yKind, domain: yDomain, range: (top + plotH, top))
        var doc = SVGDocument(width: width, height: height)

        doc.text(title, x: width / 2, y: 26, size: titleSize, anchor: .middle, bold: true)
        doc.text(subtitle, x: width / 2, y: 45, size: textSize, anchor: .middle, fill: Palette.muted)

        // Grid and ticks. x ticks sit at the measured lengths; crowded labels give way, first
        // and last first.
        for (t, l) in zip(yTicks, yLabels) {
            let py = y.map(t)
            doc.line(left, py, left + plotW, py, stroke: Palette.grid)
            doc.line(left - 4, py, left, py, stroke: Palette.axis)
            doc.text(l, x: left - 7, y: py + 4, size: textSize, anchor: .end)
        }
        let distinctX = Array(Set(xs)).sorted()
        let priority = distinctX.isEmpty ? [] : [distinctX.first!, distinctX.last!] + distinctX.dropFirst().dropLast()
        let candidates = priority.map { v in (position: x.map(v), width: SVGDocument.textWidth(ReportFormat.context(Int(v)), size: textSize)) }
        let keptX = Set(ChartScale.spaced(candidates, gap: 6).map { priority[$0] })
        for v in distinctX {
            let px = x.map(v)
            doc.line(px, top, px, top + plotH, stroke: Palette.grid)
            doc.line(px, top + plotH, px, top + plotH + 4, stroke: Palette.axis)
            if keptX.contains(v) {
                doc.text(ReportFormat.context(Int(v)), x: px, y: top + plotH + 18, size: textSize, anchor: .middle)
            }
        }
        doc.line(left, top, left, top + plotH, stroke: Palette.axis)
        doc.line(left, top + plotH, left + plotW, top + plotH, stroke: Palette.axis)
        doc.text(xLabel, x: left + plotW / 2, y: top + plotH + 42, size: textSize + 1, anchor: .middle)
        doc.text(yLabel, x: 16, y: top + plotH / 2, size: textSize + 1, anchor: .middle, rotate: -90)

        for (i, s) in series.enumerated() {
            let pts = s.points.sorted { $0.x < $1.x }
            let dash = s.dashed ? "7 4" : nil
            let dx = dodge * (Double(i) - Double(series.count - 1) / 2)
            if s.line && pts.count > 1 { doc.polyline(pts.map { (x.map($0.x) + dx, y.map($0.y)) }, stroke: s.color, width: 2, dash: dash) }
            for p in pts where s.markers {
                let px = x.map(p.x) + dx, py = y.map(p.y)
                if let e = p.error, e > 0 {
                    let lo = max(p.y - e, yDomain.0)
                    let hi = min(p.y + e, yDomain.1)
                    let (a, b) = (y.map(lo), y.map(hi))
                    doc.line(px, a, px, b, stroke: s.color, width: 1.2)
                    doc.line(px - 3.5, a, px + 3.5, a, stroke: s.color, width: 1.2)
                    doc.line(px - 3.5, b, px + 3.5, b, stroke: s.color, width: 1.2)
                }
                Self.marker(&doc, s.marker, px, py, s.color)
            }
        }

        // Legend: a line sample with its marker, then the label.
        for (i, s) in series.enumerated() {
            let ly = top + 14 + 22 * Double(i)
            if s.line { doc.line(legendX, ly, legendX + 26, ly, stroke: s.color, width: 2, dash: s.dashed ? "7 4" : nil) }
            if s.markers { Self.marker(&doc, s.marker, legendX + 13, ly, s.color) }
            doc.text(s.label, x: legendX + 34, y: ly + 4, size: textSize)
        }
        if let n = note {
            doc.text(n, x: left, y: height - 12, size: textSize - 1, fill: Palette.muted)
        }
        return doc.render()
    }

    static func marker(_ doc: inout SVGDocument, _ m: Marker, _ x: Double, _ y: Double, _ color: String) {
        switch m {
        case .circle: doc.circle(cx: x, cy: y, r: 4.2, fill: color, stroke: "#ffffff")
        case .square: doc.rect(x: x - 4, y: y - 4, width: 8, height: 8, fill: color, stroke: "#ffffff", strokeWidth: 1.2)
        case .triangle: doc.polygon([(x, y - 5.2), (x + 5, y + 3.8), (x - 5, y + 3.8)], fill: color, stroke: "#ffffff")
        case .diamond: doc.polygon([(x, y - 5.5), (x + 5, y), (x, y + 5.5), (x - 5, y)], fill: color, stroke: "#ffffff")
        }
    }

    /// 1, 2 or 5 × a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let e = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * e >= raw { return m * e }
        return 10 * e
    }
}
