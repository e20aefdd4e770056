import Foundation
import JambaEval

/// The SVG charts of a run, each derived from RunResults alone, with stable file names.
enum ReportCharts {
    struct Chart {
        let file: String
        let title: String
        let svg: String
    }

    static func all(_ r: RunResults) -> [Chart] {
        var out: [Chart] = []
        for task in r.tasks {
            out += heatmaps(r, task: task)
            if let c = accuracyVsLength(r, task: task) { out.append(c) }
        }
        if let c = throughput(r) { out.append(c) }
        if let c = prefillFit(r) { out.append(c) }
        return out
    }

    /// File names keep letters, digits, '.', '_' and '-': model and task names are user text.
    static func fileName(_ parts: [String], ext: String = "svg") -> String {
        let safe = parts.map { p in String(p.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }) }
        return safe.joined(separator: "-") + "." + ext
    }

    static func displayName(_ r: RunResults, _ model: String) -> String {
        model == r.baseline ? "\(model) (baseline)" : model
    }

    // MARK: Needle heatmaps

    /// One heatmap per model on a task with depths, and one difference map per model against the
    /// baseline. All maps of a task share the grid, so cells line up between files.
    static func heatmaps(_ r: RunResults, task: String) -> [Chart] {
        let entries = r.accuracy.filter { $0.task == task && !$0.cells.isEmpty }
        guard !entries.isEmpty else { return [] }
        let lengths = Set(entries.flatMap { $0.cells.map(\.length) }).sorted()
        let depths = Set(entries.flatMap { $0.cells.map(\.depth) }).sorted()
        func grid(_ value: (Int, Double) -> Double?) -> [[Double?]] { depths.map { d in lengths.map { value($0, d) } } }
        func perCell(_ counts: [Int]) -> String {
            guard let lo = counts.min(), let hi = counts.max() else { return "" }
            return lo == hi ? "n = \(lo) per cell" : "n = \(lo)–\(hi) per cell"
        }
        var out: [Chart] = []
        for a in entries {
            let title = "Needle recall: \(displayName(r, a.model)) on \(task)"
            let chart = HeatmapChart(title: title,
                                     subtitle: "\(a.metric.rawValue), score in % (green = found, red = missed); \(perCell(a.cells.map(\.accuracy.n)))",
                                     scale: .accuracy, lengths: lengths, depths: depths,
                                     values: grid { l, d in a.cell(length: l, depth: d)?.accuracy.mean },
                                     scaleLabel: "score (%)")
            out.append(Chart(file: fileName(["heatmap", task, a.model]), title: title, svg: chart.svg()))
        }
        guard let b = r.baseline, let base = entries.first(where: { $0.model == b }) else { return out }
        for a in entries where a.model != b {
            let title = "Needle recall difference: \(a.model) − \(b) on \(task)"
            let chart = HeatmapChart(title: title,
                                     subtitle: "\(a.metric.rawValue), percentage points (blue = \(a.model) better, red = \(b) better)",
                                     scale: .difference, lengths: lengths, depths: depths,
                                     values: grid { l, d in
                                         guard let x = a.cell(length: l, depth: d), let y = base.cell(length: l, depth: d) else { return nil }
                                         return x.accuracy.mean - y.accuracy.mean
                                     },
                                     scaleLabel: "difference (points)")
            out.append(Chart(file: fileName(["heatmap-diff", task, a.model, "vs", b]), title: title, svg: chart.svg()))
        }
        return out
    }

    // MARK: Lines

    static func accuracyVsLength(_ r: RunResults, task: String) -> Chart? {
        let entries = r.accuracy.filter { $0.task == task && !$0.byLength.isEmpty }
        // One length makes points, not lines: the summary's table says it better.
        guard let first = entries.first, Set(entries.flatMap { $0.byLength.map(\.length) }).count > 1 else { return nil }
        let order = r.models.map(\.name)
        let series = entries.map { a -> LineChart.Series in
            let i = order.firstIndex(of: a.model) ?? 0
            return LineChart.Series(label: displayName(r, a.model), color: Palette.series(i), dashed: a.model == r.baseline,
                                    marker: [.circle, .square, .triangle, .diamond][i % 4],
                                    points: a.byLength.map { .init(x: Double($0.length), y: 100 * $0.accuracy.mean, error: 100 * $0.accuracy.stderr) })
        }
        let title = "Accuracy vs context length: \(task)"
        let chart = LineChart(title: title, subtitle: "\(first.metric.rawValue), mean ± standard error over the samples at each length",
                              xLabel: "context length (tokens, log scale)", yLabel: "score (%)", yKind: .linear,
                              yFixed: ((0, 100), [0, 20, 40, 60, 80, 100]), yFormat: { String(format: "%.0f", $0) },
                              series: series, note: nil, dodge: 6)
        return Chart(file: fileName(["accuracy", task]), title: title, svg: chart.svg())
    }

    /// Prefill t/s at N tokens and decode t/s after D tokens of context, per model (colour) and
    /// kind (solid = prefill, dashed = decode). Decode from an empty context has no place on a log
    /// axis; the note says so and the throughput table has it.
    static func throughput(_ r: RunResults) -> Chart? {
        guard let bench = r.throughput, !bench.results.isEmpty else { return nil }
        var order = r.models.map(\.name)
        for res in bench.results where !order.contains(res.model) { order.append(res.model) }
        struct Key: Hashable, Comparable {
            let model: Int; let decode: Bool; let tokens: Int; let batch: Int
            static func < (a: Key, b: Key) -> Bool { (a.model, a.decode ? 1 : 0, a.tokens, a.batch) < (b.model, b.decode ? 1 : 0, b.tokens, b.batch) }
        }
        var points: [Key: [LineChart.Point]] = [:]
        var skipped = 0
        for res in bench.results {
            let m = order.firstIndex(of: res.model)!
            let tps = res.tokensPerSecond
            switch res.test {
            case .prefill(let n):
                points[Key(model: m, decode: false, tokens: 0, batch: res.batch), default: []].append(.init(x: Double(n), y: tps.mean, error: tps.sd))
            case let .decode(n, d):
                if d == 0 { skipped += 1; continue }
                points[Key(model: m, decode: true, tokens: n, batch: res.batch), default: []].append(.init(x: Double(d), y: tps.mean, error: tps.sd))
            }
        }
        guard !points.isEmpty else { return nil }
        let decodeLengths = Set(points.keys.filter(\.decode).map(\.tokens))
        let series = points.keys.sorted().map { k -> LineChart.Series in
            let name = displayName(r, order[k.model])
            var label = k.decode ? "\(name) decode" : "\(name) prefill"
            if k.decode && decodeLengths.count > 1 { label += " tg\(k.tokens)" }
            if k.batch > 1 { label += " ×\(k.batch)" }
            let marker: LineChart.Marker = k.batch > 1 ? (k.decode ? .diamond : .triangle) : (k.decode ? .square : .circle)
            return LineChart.Series(label: label, color: Palette.series(k.model), dashed: k.decode, marker: marker, points: points[k]!)
        }
        let env = bench.environment
        let title = "Throughput vs context length"
        let chart = LineChart(title: title,
                              subtitle: "\(env.cpu), \(env.threads) threads; mean ± sd over \(bench.repeats) repetitions",
                              xLabel: "context length (tokens, log scale)",
                              yLabel: "tokens/s (log scale)", yKind: .log, yFixed: nil, yFormat: ReportFormat.compact,
                              series: series,
                              note: "Prefill: a prompt of that many tokens. Decode: new tokens after that many tokens of context."
                                + (skipped > 0 ? " Decode from an empty context is in the table only." : ""))
        return Chart(file: "throughput.svg", title: title, svg: chart.svg())
    }

    // MARK: Prefill fit

    /// Time to first token against prompt length: the measured prefill probes (mean ± sd) and each
    /// model's fitted a + b·T + c·T², drawn out to 256K so the crossover and the extrapolated gap
    /// can be seen, with the caveat that everything past the longest probe is extrapolation.
    static func prefillFit(_ r: RunResults) -> Chart? {
        guard let x = r.crossover, let bench = r.throughput, let longest = x.fits.flatMap(\.contexts).max() else { return nil }
        let far = Double(Crossover.extrapolationContexts.max() ?? 262_144)
        let shortest = Double(x.fits.flatMap(\.contexts).min() ?? 1)
        // Powers of two from the shortest probe to 256K: ticks that read well on a log axis.
        var grid: [Double] = []
        var t = shortest
        while t < far * 1.001 { grid.append(t); t *= 2 }
        if grid.last.map({ $0 < far }) ?? true { grid.append(far) }
        var series: [LineChart.Series] = []
        for (i, f) in x.fits.enumerated() {
            let color = Palette.series(r.models.firstIndex { $0.name == f.model } ?? i)
            let name = displayName(r, f.model)
            let seconds = CrossoverEstimate.prefillSeconds(bench, model: f.model)
            let measured = f.contexts.compactMap { n -> LineChart.Point? in
                guard let secs = seconds[n], !secs.isEmpty else { return nil }
                let s = Stats(secs)
                return .init(x: Double(n), y: s.mean, error: s.sd)
            }
            series.append(.init(label: "\(name) measured", color: color, dashed: false, marker: .circle, points: measured, line: false))
            // The crossover against the baseline goes in the fit's legend entry.
            var label = "\(name) fit"
            if let c = x.crossovers.first(where: { $0.model == f.model }) {
                switch c.kind {
                case .at: label += ", faster from ≈ \(ReportFormat.grouped(c.tokens ?? 0)) tokens"
                case .alwaysFaster: label += ", faster at every length"
                case .fasterUntil: label += ", slower from ≈ \(ReportFormat.grouped(c.tokens ?? 0)) tokens"
                case .never: label += ", never faster"
                }
            }
            let curve = grid.compactMap { t in f.seconds(t) > 0 ? LineChart.Point(x: t, y: f.seconds(t), error: nil) : nil }
            series.append(.init(label: label, color: color, dashed: true, marker: .circle, points: curve, markers: false))
        }
        let title = "Time to first token vs prompt length"
        let chart = LineChart(title: title,
                              subtitle: "prefill at batch 1, mean ± sd; dashed: least-squares fit a + b·T + c·T²"
                                + (r.baseline.map { "; \"faster\": than \($0)" } ?? ""),
                              xLabel: "prompt length (tokens, log scale)", yLabel: "time to first token (log scale)", yKind: .log, yFixed: nil,
                              yFormat: { $0 < 1 ? String(format: "%g ms", $0 * 1000) : String(format: "%g s", $0) }, series: series,
                              note: "Beyond \(ReportFormat.context(longest)) (the longest probe) the curves are extrapolations of the fits.")
        return Chart(file: "prefill-fit.svg", title: title, svg: chart.svg())
    }
}
