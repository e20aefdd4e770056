import Foundation
import JambaEval

/// claims.md: the claims report rendered for people (the JSON is `ClaimsReport` itself).
extension ClaimsReport {
    static func budget(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.2f GiB", Double(bytes) / 1073741824) : mib(bytes)
    }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 20 { return mib(n) }
        if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return "\(n) B"
    }

    static func params(_ n: Int) -> String { String(format: "%.1fM", Double(n) / 1e6) }

    static func rate(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x) }

    static func ratio(_ x: Double?) -> String { x.map { String(format: "%.2f×", $0) } ?? "—" }

    private func loadText(_ l: [Double]?) -> String { l.map { String(format: "%.2f %.2f %.2f", $0[0], $0[1], $0[2]) } ?? "unknown" }

    private var longestText: [String: String] {
        Dictionary(uniqueKeysWithValues: models.map { m in
            let c = m.context
            return (m.name, (c.reachedLimit ? "≥ " : "") + ReportFormat.grouped(c.measured))
        })
    }

    /// The claim in one table: each model's longest context and decode speed at each context,
    /// then the hybrid ÷ each baseline.
    public func summaryTable() -> String {
        var header = "| model | longest context, measured (computed) |"
        var rule = "|---|---:|"
        for c in options.contexts {
            header += " batch @ \(ReportFormat.context(c)) | decode t/s @ \(ReportFormat.context(c)) |"
            rule += "---:|---:|"
        }
        var lines = [header, rule]
        let longest = longestText
        for m in models {
            let computed = m.context.computedWithOverhead.map(ReportFormat.grouped) ?? "unbounded"
            var line = "| \(m.name) | \(longest[m.name]!) (\(computed)) |"
            for c in options.contexts {
                let d = m.decode.first { $0.context == c }
                let batch = d.map { ($0.reachedLimit ? "≥ " : "") + "\($0.batch)" } ?? "—"
                line += " \(batch) | \(d?.tokensPerSecond.map(Self.rate) ?? "—") |"
            }
            lines.append(line)
        }
        if let h = models.first(where: { $0.name == hybrid }) {
            for b in models where b.name != hybrid {
                let contextRatio = b.context.measured > 0 ? String(format: "%.1f×", Double(h.context.measured) / Double(b.context.measured)) : "—"
                var line = "| \(hybrid) ÷ \(b.name) | \(contextRatio) |"
                for c in options.contexts {
                    let r = ratios.first { $0.context == c && $0.baseline == b.name }
                    line += " | \(Self.ratio(r?.ratio)) |"
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    public func markdown() -> String {
        var lines: [String] = []
        lines.append("# Jamba's claims at this scale: context in a fixed memory budget, decode throughput at long context")
        lines.append("")
        if let note = options.note, !note.isEmpty { lines += [note, ""] }
        lines.append("Budget: \(Self.budget(options.budgetBytes)) of peak resident memory (VmHWM) for the whole process: weights, "
            + "sequence state, scratch and runtime. Every length and batch below was measured by running the engine in a fresh "
            + "process: the states reserved for the prompt and the decode steps, one prompt prefilled through the engine in chunks of "
            + "\(ReportFormat.grouped(options.chunk)) tokens, its state copied into the other batch − 1 states (the memory of distinct prompts "
            + "and the same decode cost: each sequence reads its own cache), then 1 untimed and \(options.steps) timed decode steps "
            + "for the whole batch (the states have room for \(max(1, options.repeats)) timed rounds). A run fits when its peak stays within the budget, and stops as soon as it passes it. Searches start "
            + "at the computed estimate and step 1, 2, 4 … units away until the verdict flips, then bisect: context to "
            + "\(Self.budget(options.resolutionBytes)) of KV cache (the resolution column, in tokens), batch to 1 sequence.")
        lines.append("")
        lines.append(String(format: "CPU: %@; OpenBLAS core %@; %d threads; load average (1, 5, 15 min) %@ at the start, %@ at the end; "
            + "%.1f minutes; %@.", environment.cpu, environment.openblasCore, environment.threads, loadText(loadBefore),
            loadText(loadAfter), seconds / 60, environment.date))
        lines.append("")
        lines.append(summaryTable())
        lines.append("")
        let timed = models.contains { m in m.decode.contains { $0.timing != nil } }
        if timed {
            lines.append("Decode t/s: total tokens per second of the whole batch, the median of \(options.repeats) rounds of "
                + "\(options.steps) steps (batch × \(options.steps) tokens ÷ the round's time). At each context every model's "
                + "largest-batch run is held at once (\(models.count) × the budget in all) and the rounds take turns (A B C, C B A, …), "
                + "so a change in the shared machine's load hits every model alike. The ÷ rows divide the hybrid's figure by the "
                + "baseline's: longest context, and decode speed at each context (each model at its own largest batch; the median "
                + "of the round-by-round ratios).")
        } else {
            lines.append("Decode t/s: total tokens per second of the whole batch (batch × \(options.steps) tokens ÷ the time of "
                + "\(options.steps) steps). The ÷ rows divide the hybrid's figure by the baseline's: longest context, and decode "
                + "speed at each context (each model at its own largest batch).")
        }
        lines.append("")
        lines.append("## Longest context within the budget")
        lines.append("")
        lines.append("| model | parameters (active) | weights | KV cache / token | fixed state | overhead | longest context, measured "
            + "| resolution | computed: weights + state + KV × L | computed, less the overhead | peak at the measured length | runs |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let longest = longestText
        for m in models {
            let s = m.sizes, c = m.context
            let peak = c.atMeasured.map { ClaimsReport.mib($0.result.peakBytes) } ?? "—"
            lines.append("| \(m.name) | \(Self.params(s.parameters)) (\(Self.params(s.activeParameters))) | \(ClaimsReport.mib(s.weightBytes)) "
                + "| \(Self.bytes(s.kvBytesPerToken)) | \(Self.bytes(s.fixedStateBytes)) | \(ClaimsReport.mib(m.overheadBytes)) "
                + "| \(longest[m.name]!) | \(ReportFormat.grouped(c.resolution)) | \(c.computed.map(ReportFormat.grouped) ?? "unbounded") "
                + "| \(c.computedWithOverhead.map(ReportFormat.grouped) ?? "unbounded") | \(peak) | \(c.probes.count + 1) |")
        }
        lines.append("")
        lines.append("Overhead: the first run's peak (a \(ReportFormat.grouped(options.calibrationContext))-token prompt) less its weights and "
            + "state: the runtime, OpenBLAS, and the scratch of one prefill chunk. Computed lengths hold the prompt plus "
            + "\(options.decodedTokens) decoded tokens, as the runs reserve them; the second estimate, where the search starts, also takes "
            + "off the overhead and the prompt's token ids (\(ClaimsRunner.promptBytesPerToken) bytes each), and for a batch each "
            + "sequence's row of decode logits. Runs: the first one and the search's.")
        lines.append("")
        lines.append("## Decode at long context, largest batch within the budget")
        lines.append("")
        lines.append("| context | model | batch, measured | computed (less the overhead) | peak | prefill of one prompt, s | decode t/s, total\(timed ? " (rounds: min–max)" : "") | \(hybrid) ÷ this\(timed ? " (min–max)" : "") | runs |")
        lines.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for c in options.contexts {
            for m in models {
                guard let d = m.decode.first(where: { $0.context == c }) else { continue }
                let run = d.atMeasured?.result
                let r = ratios.first { $0.context == c && $0.baseline == m.name }
                lines.append("| \(ReportFormat.context(c)) | \(m.name) | \(d.reachedLimit ? "≥ " : "")\(d.batch) | \(d.computed) (\(d.computedWithOverhead)) "
                    + "| \(run.map { ClaimsReport.mib($0.peakBytes) } ?? "—") | \(run.map { String(format: "%.1f", $0.prefillSeconds) } ?? "—") "
                    + "| \(d.tokensPerSecond.map(Self.rate) ?? "—")\(d.roundRates.map { " (\(Self.rate($0.min()!))–\(Self.rate($0.max()!)))" } ?? "") "
                    + "| \(m.name == hybrid ? "" : Self.ratio(r?.ratio) + (r?.perRound.map { " (\(Self.ratio($0.min()))–\(Self.ratio($0.max())))" } ?? "")) "
                    + "| \(d.probes.count) |")
            }
        }
        let over = models.flatMap { m in m.decode.compactMap { d in d.timing.map { (m.name, d.context, $0) } } }.filter { !$0.2.fits }
        for (name, c, t) in over {
            lines.append("")
            lines.append("\(name) at \(ReportFormat.context(c)): the held run for the timed rounds peaked at \(ClaimsReport.mib(t.peakBytes)), over the budget its search run fitted in.")
        }
        if !timed {
            lines.append("")
            lines.append("Each model's decode speed comes from its own largest-batch run, in its own process, minutes apart from the "
                + "others' on a shared machine: compare the ratios with the load averages above in mind.")
        }
        return lines.joined(separator: "\n")
    }
}
