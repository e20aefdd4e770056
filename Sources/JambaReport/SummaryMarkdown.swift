import Foundation
import JambaEval

/// summary.md: the tables a reader wants first, in the order they ask: did it find the needle,
/// how fast, how much memory, on what machine. Every number comes from RunResults.
enum SummaryMarkdown {
    static func render(_ r: RunResults) -> String {
        var out: [String] = []
        out.append("# jamba-eval results: \(r.suite.name)")
        out.append("")
        let commit = r.environment.gitCommit.flatMap { $0.isEmpty ? nil : ", commit \(code(String($0.prefix(12))))" } ?? ""
        out.append("Suite \(code(r.suite.file)) (fingerprint \(code(String(r.suite.fingerprint.prefix(16))))), "
                   + "\(r.sampleCount) scored samples, \(r.environment.date)\(commit).")
        out += shardingNote(r)
        out += accuracy(r)
        out += findings(r)
        out += accuracyByLength(r)
        out += throughput(r)
        out += crossover(r)
        out += timing(r)
        out += memory(r)
        out += shards(r)
        out += environment(r)
        let charts = ReportCharts.all(r)
        if !charts.isEmpty {
            out += ["", "## Charts", ""]
            out += charts.map { "- [\($0.title)](\($0.file))" }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func code(_ s: String) -> String { "`" + s.replacingOccurrences(of: "`", with: "'") + "`" }

    /// Table cells must not break the table.
    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }

    static func table(_ header: [String], _ align: [String], _ rows: [[String]]) -> [String] {
        ["| " + header.map(cell).joined(separator: " | ") + " |", "|" + align.joined(separator: "|") + "|"]
            + rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
    }

    static func modelsWithSamples(_ r: RunResults) -> [String] {
        r.models.map(\.name).filter { m in r.accuracy.contains { $0.model == m } }
    }

    static func deltaText(_ p: PairedCounts?) -> String {
        guard let p else { return "—" }
        return "\(ReportFormat.points(p.delta)) (p \(ReportFormat.pValue(p.pValue)))"
    }

    // MARK: Sections

    static func accuracy(_ r: RunResults) -> [String] {
        let tasks = r.tasks
        guard !tasks.isEmpty else { return ["", "## Accuracy", "", "No scored samples."] }
        var out = ["", "## Accuracy", ""]
        out.append("Score in % (mean ± standard error over the samples).")
        if let b = r.baseline {
            out[out.count - 1] += " Δ rows: the difference to \(b) in percentage points on the samples both models answered,"
                + " with McNemar's exact p on right/wrong."
        }
        out.append("")
        var rows: [[String]] = []
        let models = modelsWithSamples(r)
        for m in models {
            rows.append([SummaryMarkdown.display(r, m)] + tasks.map { t in
                r.accuracy(model: m, task: t).map { ReportFormat.percent($0.overall.mean, $0.overall.stderr) } ?? "—"
            })
        }
        if let b = r.baseline {
            for m in models where m != b {
                rows.append(["Δ \(m) − \(b)"] + tasks.map { deltaText(r.comparison(model: m, task: $0)?.overall) })
            }
        }
        out += table(["model"] + tasks, ["---"] + tasks.map { _ in "---:" }, rows)
        out.append("")
        for t in tasks {
            let entries = r.accuracy.filter { $0.task == t }
            let ns = Set(entries.map(\.overall.n)).sorted()
            let n = ns.count == 1 ? "\(ns[0]) samples per model" : "\(ns.map(String.init).joined(separator: "/")) samples"
            out.append("- \(t): \(entries[0].metric.rawValue), \(n)")
        }
        // Failed samples count as wrong in the means above; say so, so a broken model is visible.
        if let failures = r.failures, !failures.isEmpty {
            out += ["", "**\(failures.count) sample\(failures.count == 1 ? "" : "s") failed** (scored 0; listed in results.json `failures`):"]
            for f in failures.prefix(10) { out.append("- \(f.model) / \(f.task) / \(code(f.id)): \(f.reason)") }
            if failures.count > 10 { out.append("- … and \(failures.count - 10) more") }
        }
        return out
    }

    static func display(_ r: RunResults, _ m: String) -> String { ReportCharts.displayName(r, m) }

    /// The Δ rows in words (Findings): better, worse or matching the baseline, at the shortest
    /// length of each task and over all lengths.
    static func findings(_ r: RunResults) -> [String] {
        guard let f = Findings(r) else { return [] }
        return ["", "## Findings against \(f.baseline)", "",
                "At the shortest context length of each task (for trained checkpoints usually their training length) "
                + "and over all lengths; \"matches\" means no difference of at least \(Int(Findings.negligiblePoints)) point "
                + "with McNemar's p < \(Findings.significance); \"untested\" means the mean scores differ by that much but no sample "
                + "is right for one model and wrong for the other (partial-credit scores), so McNemar cannot decide.", ""] + f.markdown()
    }

    static func accuracyByLength(_ r: RunResults) -> [String] {
        var out: [String] = []
        for t in r.tasks {
            let entries = r.accuracy.filter { $0.task == t }
            let lengths = Set(entries.flatMap { $0.byLength.map(\.length) }).sorted()
            guard lengths.count > 1 || entries.contains(where: { !$0.cells.isEmpty }) else { continue }
            if out.isEmpty { out += ["", "## Accuracy by context length"] }
            out += ["", "### \(t)", ""]
            var rows: [[String]] = entries.map { a in
                [display(r, a.model)] + lengths.map { l in
                    a.byLength.first { $0.length == l }.map { ReportFormat.percent($0.accuracy.mean, $0.accuracy.stderr) } ?? "—"
                }
            }
            if let b = r.baseline {
                for a in entries where a.model != b {
                    guard let c = r.comparison(model: a.model, task: t) else { continue }
                    rows.append(["Δ \(a.model) − \(b)"] + lengths.map { l in deltaText(c.byLength.first { $0.length == l }?.paired) })
                }
            }
            out += table(["model"] + lengths.map(ReportFormat.context), ["---"] + lengths.map { _ in "---:" }, rows)
        }
        return out
    }

    static func throughput(_ r: RunResults) -> [String] {
        guard let b = r.throughput, !b.results.isEmpty else { return [] }
        // The bench command's own table, so `run` and `bench` print the same thing.
        return ["", "## Throughput", "", b.markdown()]
    }

    static func crossover(_ r: RunResults) -> [String] {
        guard let t = r.throughput, t.results.contains(where: { if case .prefill = $0.test { return true }; return false }) else { return [] }
        var out = ["", "## Prefill scaling and crossover", ""]
        guard let x = r.crossover else {
            let lengths = Set(t.results.compactMap { res -> Int? in
                if case .prefill(let n) = res.test, res.batch == 1 { return n }
                return nil
            }).count
            return out + [lengths < 3
                ? "The crossover estimate needs batch-1 prefill probes at three or more context lengths (three unknowns); this run has \(lengths)."
                : "No model's prefill times could be fitted (the least-squares problem was degenerate)."]
        }
        let contexts = Set(x.fits.flatMap(\.contexts)).sorted()
        out.append("Time to first token of one prompt (prefill at batch 1, mean over repetitions), and the least-squares fit "
                   + "a + b·T + c·T² seconds over every repetition (LAPACKE sgels, relative error; residual = RMS relative misfit). "
                   + "c is the attention cost that grows with the prefix; a, b and c are fitted non-negative, "
                   + "\"0 (held)\" where the unconstrained fit made one negative.")
        out.append("")
        let rows = x.fits.map { f -> [String] in
            let seconds = CrossoverEstimate.prefillSeconds(t, model: f.model)
            let measured = contexts.map { n -> String in
                guard let values = seconds[n], !values.isEmpty else { return "—" }
                return milliseconds(values.reduce(0, +) / Double(values.count))
            }
            let b = f.bHeldAtZero ? "0 (held)" : String(format: "%.3g µs", f.b * 1e6)
            let c = f.cHeldAtZero ? "0 (held)" : String(format: "%.3g ns", f.c * 1e9)
            let a = f.aHeldAtZero ? "0 (held)" : milliseconds(f.a)
            return [display(r, f.model)] + measured + [a, b, c, String(format: "%.1f%%", 100 * f.residual)]
        }
        out += table(["model"] + contexts.map { "TTFT \(ReportFormat.context($0))" } + ["a", "b per token", "c per token²", "residual"],
                     ["---"] + contexts.map { _ in "---:" } + ["---:", "---:", "---:", "---:"], rows)
        if !x.crossovers.isEmpty {
            out.append("")
            let longest = contexts.last ?? 0
            for c in x.crossovers {
                var line = "- \(c.model) vs \(c.baseline): "
                switch c.kind {
                case .at:
                    line += "overtakes it from ≈ \(ReportFormat.grouped(c.tokens ?? 0)) tokens on"
                case .alwaysFaster: line += "faster at every prompt length"
                case .fasterUntil:
                    line += "faster at shorter prompts, slower from ≈ \(ReportFormat.grouped(c.tokens ?? 0)) tokens on (its growing cost outgrows the baseline's)"
                case .never: line += "slower at every prompt length"
                }
                if c.extrapolated { line += " (beyond the longest probe, \(ReportFormat.context(longest)): extrapolated)" }
                if !c.ratios.isEmpty {
                    line += "; prefill speed ratio extrapolated to " + c.ratios.map {
                        "\(ReportFormat.context($0.context)): \(String(format: "%.2f×", $0.ratio))"
                    }.joined(separator: ", ")
                }
                out.append(line + ".")
            }
            out.append("")
            let reach = Crossover.extrapolationContexts.map { String(format: "%.0f×", Double($0) / Double(max(longest, 1))) }
            out.append("The 128K and 256K ratios extrapolate the fits \(reach.joined(separator: " and ")) "
                       + "beyond the longest probe; trust them as far as the residuals above are small and the cost model "
                       + "(per-token work plus attention's quadratic term) holds.")
        }
        return out
    }

    static func milliseconds(_ s: Double) -> String {
        s >= 1 ? ReportFormat.seconds(s) : String(format: s >= 0.1 ? "%.0f ms" : s >= 0.01 ? "%.1f ms" : "%.2f ms", s * 1000)
    }

    static func timing(_ r: RunResults) -> [String] {
        guard !r.accuracy.isEmpty else { return [] }
        var rows: [[String]] = []
        for a in r.accuracy {
            let tok = r.tokenization.first { $0.model == a.model && $0.task == a.task }
            let tokRate = tok.map { $0.seconds > 0 ? ReportFormat.compact((Double($0.tokens) / $0.seconds).rounded()) : "—" } ?? "—"
            rows.append([a.model, a.task, "\(a.overall.n)", "\(a.promptTokens)", "\(a.generatedTokens)",
                         ReportFormat.seconds(a.engineSeconds),
                         a.meanTimeToFirstToken.map { String(format: "%.3f s", $0) } ?? "—",
                         tok.map { ReportFormat.seconds($0.seconds) } ?? "—", tokRate])
        }
        return ["", "## Time per task", "",
                "Engine time is the samples' shares of their batches; tokenization is timed apart and not in it."]
            + [""] + table(["model", "task", "samples", "prompt tokens", "generated tokens", "engine", "mean time to first token",
                            "tokenization", "tokenization t/s"],
                           ["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"], rows)
    }

    static func memory(_ r: RunResults) -> [String] {
        guard !r.models.isEmpty else { return [] }
        var out = ["", "## Models and memory", ""]
        out += table(["model", "source", "params", "active params", "weights", "fixed state", "KV cache per token", "peak RSS",
                      "longest context in memory"],
                     ["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
                     r.models.map { m in
                         let usage = r.memory.first { $0.model == m.name }
                         let longest = !m.stateGrows ? "unbounded (state does not grow)"
                             : usage?.maxContextTokens.map { "\(ReportFormat.grouped($0)) tokens" } ?? "—"
                         return [display(r, m.name), m.source, ReportFormat.parameters(m.parametersTotal), ReportFormat.parameters(m.parametersActive),
                                 ReportFormat.bytes(m.weightBytes), ReportFormat.bytes(m.fixedStateBytes), ReportFormat.bytes(m.kvBytesPerToken),
                                 usage?.peakRSSBytes.map(ReportFormat.bytes) ?? "—", longest]
                     })
        if let mem = r.environment.memoryBytes {
            out += ["", "Longest context in memory: one sequence's weights + state within this machine's \(ReportFormat.bytes(mem)) "
                    + "(prefill scratch, sized by the chunk, left out)."]
        }
        let contexts = r.memory.first?.stateBytes.map(\.context) ?? []
        if !contexts.isEmpty {
            out += ["", "State per sequence (fixed state + KV cache) at each context length of the run:", ""]
            out += table(["model"] + contexts.map(ReportFormat.context), ["---"] + contexts.map { _ in "---:" },
                         r.memory.map { m in [display(r, m.model)] + m.stateBytes.map { ReportFormat.bytes($0.bytes) } })
        }
        return out
    }

    /// Under the title: a shard's own report or a partial merge says so before any table.
    static func shardingNote(_ r: RunResults) -> [String] {
        guard let s = r.sharding else { return [] }
        if !s.merged, let me = s.shards.first {
            return ["", "Shard \(me.index) of \(s.count): these tables cover its \(me.recorded) of the \(s.units) units it planned over; "
                    + "`jamba-eval merge` the \(s.count) shard folders for the suite's tables."]
        }
        guard s.partial else {
            return ["", "Merged from \(s.count) shard\(s.count == 1 ? "" : "s") (see Shards)."]
        }
        let missing = s.missingShards.isEmpty ? "" : " Shards missing: \(s.missingShards.map(String.init).joined(separator: ", "))."
        return ["", "**Partial report** (merged with --allow-partial): \(s.missingUnits) of \(s.units) known units are not in these tables.\(missing)"]
    }

    static func shards(_ r: RunResults) -> [String] {
        guard let s = r.sharding else { return [] }
        var out = ["", "## Shards", ""]
        let total = max(1, s.shards.reduce(0) { $0 + $1.promptTokens })
        out += table(["shard", "host", "CPU", "OpenBLAS core", "threads", "units", "prompt tokens", "share", "recorded", "finished"],
                     ["---:", "---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---"],
                     s.shards.map { x in
                         ["\(x.index)", x.host, x.cpu, x.openblasCore, "\(x.threads)", "\(x.units)", ReportFormat.grouped(x.promptTokens),
                          String(format: "%.1f%%", 100 * Double(x.promptTokens) / Double(total)), "\(x.recorded)", x.finished ? "yes" : "no"]
                     })
        out.append("")
        if let imbalance = s.promptTokenImbalance {
            out.append(String(format: "Prompt tokens per shard are within %.1f%% of the mean. ", 100 * imbalance))
        }
        if let p = s.throughputShard {
            out[out.count - 1] += "Throughput probes: shard \(p.index) on \(p.host) (\(p.cpu), OpenBLAS core \(p.openblasCore)); "
                + "they measure that machine, not the others."
        } else if r.throughput == nil {
            out[out.count - 1] += "No shard here ran the throughput probes."
        }
        if out.last!.isEmpty { out.removeLast() }
        return out
    }

    static func environment(_ r: RunResults) -> [String] {
        let e = r.environment
        return ["", "## Environment", "",
                "- CPU: \(e.cpuDescription)" + (e.lastLevelCacheBytes.map { "; last-level cache \(ReportFormat.bytes($0))" } ?? ""),
                "- OpenBLAS: core \(e.coreDescription); \(e.openblasConfig)",
                "- threads: \(e.threads)",
                "- memory: \(e.memoryBytes.map(ReportFormat.bytes) ?? "unknown")",
                "- jamba-eval commit: \(e.gitCommit.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")",
                "- host: \(e.host ?? "unknown")",
                "- date: \(e.date)",
                "- command: \(code((e.commandLine ?? []).map(shellQuoted).joined(separator: " ")))"]
    }

    /// An argument as a shell would need it, so the command line can be pasted back.
    static func shellQuoted(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
