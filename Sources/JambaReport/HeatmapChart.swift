import Foundation

/// A needle heatmap: context length across, needle depth down (0% = the needle at the start of
/// the context, as RULER and needle-in-a-haystack plots draw it), one coloured cell per
/// (length, depth) with its value printed in it and a colour bar for the scale.
struct HeatmapChart {
    enum Scale {
        /// Values are 0…1 accuracies; green is right, red is wrong.
        case accuracy
        /// Values are signed differences of 0…1 accuracies; blue favours the first model, red the second.
        case difference
    }

    var title: String
    var subtitle: String
    var scale: Scale
    var lengths: [Int]
    var depths: [Double]
    /// values[depth index][length index]; nil for an empty cell.
    var values: [[Double?]]
    /// What the colour bar measures.
    var scaleLabel: String

    /// The difference map's colour range: symmetric, at least ±10 points, in steps of 10, so a
    /// 2-point wobble does not look like a result.
    var differenceRange: Double {
        let m = values.joined().compactMap { $0 }.map(abs).max() ?? 0
        // Ranges whose half is a round number too, so the colour bar's five ticks read cleanly.
        return [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0].first { $0 >= m - 1e-9 } ?? 1
    }

    func color(_ v: Double) -> String {
        switch scale {
        case .accuracy: return Palette.accuracy(v)
        case .difference: return Palette.diverging(v / differenceRange)
        }
    }

    func label(_ v: Double) -> String {
        switch scale {
        case .accuracy: return String(format: "%.0f", 100 * v)
        case .difference: return ReportFormat.points(v, decimals: 0)
        }
    }

    func svg() -> String {
        let titleSize = 16.0, textSize = 12.0, cellTextSize = 13.0
        let xLabels = lengths.map(ReportFormat.context), yLabels = depths.map(ReportFormat.depth)
        let cellW = max(64, (xLabels.map { SVGDocument.textWidth($0, size: textSize) }.max() ?? 0) + 16)
        // Tall enough for the rotated axis and colour bar titles even with one or two depths.
        let yTitle = "needle depth (% of context)"
        let rotated = max(SVGDocument.textWidth(scaleLabel, size: textSize), SVGDocument.textWidth(yTitle, size: textSize + 1))
        let cellH = max(38, (rotated + 12) / Double(max(depths.count, 1)))
        let yTickW = (yLabels.map { SVGDocument.textWidth($0, size: textSize) }.max() ?? 0)
        var left = 28 + yTickW + 12       // axis title column, tick labels, gap
        let top = 62.0                    // title and subtitle
        let plotW = cellW * Double(lengths.count), plotH = cellH * Double(depths.count)

        // The colour bar's tick labels set the right margin.
        let barTicks: [Double] = scale == .accuracy ? [0, 0.25, 0.5, 0.75, 1]
            : [-differenceRange, -differenceRange / 2, 0, differenceRange / 2, differenceRange]
        let barLabels = barTicks.map { scale == .accuracy ? String(format: "%.0f", 100 * $0) : ReportFormat.points($0, decimals: 0) }
        let barW = 16.0
        let barLabelW = barLabels.map { SVGDocument.textWidth($0, size: textSize - 1) }.max() ?? 0
        // Grid, colour bar, its tick labels and its rotated title; centred under the title when
        // the title is the wider of the two.
        let content = left + plotW + 24 + barW + 6 + barLabelW + 30
        let width = max(content + 10, SVGDocument.textWidth(title, size: titleSize, bold: true) + 40,
                        SVGDocument.textWidth(subtitle, size: textSize) + 40)
        let shift = ((width - content - 10) / 2).rounded()
        left += shift
        let barX = left + plotW + 24
        let height = top + plotH + 64
        var doc = SVGDocument(width: width, height: height)

        doc.text(title, x: width / 2, y: 26, size: titleSize, anchor: .middle, bold: true)
        doc.text(subtitle, x: width / 2, y: 45, size: textSize, anchor: .middle, fill: Palette.muted)

        for (r, row) in values.enumerated() {
            for (c, v) in row.enumerated() {
                let x = left + Double(c) * cellW, y = top + Double(r) * cellH
                let fill = v.map(color) ?? Palette.missing
                doc.rect(x: x, y: y, width: cellW, height: cellH, fill: fill, stroke: "#ffffff", strokeWidth: 1.5, cssClass: "cell")
                doc.text(v.map(label) ?? "n/a", x: x + cellW / 2, y: y + cellH / 2 + cellTextSize * 0.36, size: cellTextSize,
                         anchor: .middle, fill: v == nil ? Palette.muted : Palette.text(on: fill))
            }
        }
        // Ticks: column labels under the grid, row labels to its left.
        for (c, l) in xLabels.enumerated() {
            doc.text(l, x: left + (Double(c) + 0.5) * cellW, y: top + plotH + 18, size: textSize, anchor: .middle)
        }
        for (r, l) in yLabels.enumerated() {
            doc.text(l, x: left - 8, y: top + (Double(r) + 0.5) * cellH + textSize * 0.36, size: textSize, anchor: .end)
        }
        doc.text("context length (tokens)", x: left + plotW / 2, y: top + plotH + 44, size: textSize + 1, anchor: .middle)
        doc.text(yTitle, x: shift + 18, y: top + plotH / 2, size: textSize + 1, anchor: .middle, rotate: -90)

        // Colour bar, highest value on top.
        let gradient = (0...10).reversed().map { i -> String in
            let t = Double(i) / 10
            return scale == .accuracy ? Palette.accuracy(t) : Palette.diverging(2 * t - 1)
        }
        doc.verticalGradient(id: "bar", topToBottom: gradient)
        doc.rect(x: barX, y: top, width: barW, height: plotH, fill: "url(#bar)", stroke: "#999999", strokeWidth: 0.5)
        for (t, l) in zip(barTicks, barLabels) {
            let f = scale == .accuracy ? t : (t / differenceRange + 1) / 2
            let y = top + plotH * (1 - f)
            doc.line(barX + barW, y, barX + barW + 4, y, stroke: Palette.axis)
            doc.text(l, x: barX + barW + 6, y: y + 4, size: textSize - 1)
        }
        doc.text(scaleLabel, x: barX + barW + 6 + barLabelW + 18, y: top + plotH / 2, size: textSize, anchor: .middle,
                 fill: Palette.ink, rotate: -90)
        return doc.render()
    }
}
