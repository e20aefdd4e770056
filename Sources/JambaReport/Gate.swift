import Foundation
import JambaEval

/// The CI throughput gate. It compares only quantities measured within one run, so they survive
/// a noisy machine (DESIGN.md section 7): per model and test, the median utilisation (prefill:
/// FLOP/s ÷ the calibration sgemm of the same repetition; decode: bytes/s ÷ the calibration
/// sgemv, since decode is bound by memory, not arithmetic), and per test the median of the
/// repetition-by-repetition speed ratio of each model to the baseline model.
public enum Gate {
    public enum Verdict: String, Sendable {
        case ok, improved
        case regressed = "REGRESSED"
        case missing = "MISSING"
        case new
        /// Utilisation measured on another CPU model, OpenBLAS core or thread count than the
        /// baseline's (or, for decode at batch 1, against another bandwidth calibration): shown,
        /// not gated, since the ceiling it divides by differs; the ratios still gate.
        case notGated = "not gated"
        /// Regressed in the first run but not in a run that re-measured it: a neighbour's burst
        /// on a shared machine lasts one run, a regression in the code lasts every run. Passes.
        case unconfirmed = "not confirmed"

        public var fails: Bool { self == .regressed || self == .missing }
    }

    /// What a row gates: a model's utilisation, or a model's speed ÷ the baseline model's.
    public enum Quantity: Hashable, Sendable, CustomStringConvertible {
        case utilisation(model: String)
        case ratio(model: String, baseline: String)

        /// The utilisation rows are the ones whose ceiling depends on the machine (see `notGated`).
        public var isUtilisation: Bool { if case .utilisation = self { return true } else { return false } }

        /// How the table names it: "util. jamba", "jamba ÷ llama".
        public var description: String {
            switch self {
            case .utilisation(let model): return "util. \(model)"
            case let .ratio(model, baseline): return "\(model) ÷ \(baseline)"
            }
        }
    }

    public struct Row: Sendable {
        public let quantity: Quantity
        public let test: String
        public let baseline: Double?
        public let current: Double?
        public internal(set) var verdict: Verdict
        /// This quantity in the runs that re-measured the first, in order (empty for one run).
        public var rechecks: [Double?] = []
    }

    public struct Outcome: Sendable {
        public let rows: [Row]
        public let tolerance: Double
        public let notes: [String]

        /// 0 when nothing regressed or went missing, 2 otherwise (1 is for unreadable input).
        public var exitCode: Int32 { rows.contains { $0.verdict.fails } ? 2 : 0 }

        public var markdown: String {
            var out = ["| quantity | test | baseline | current | change | verdict |", "|---|---|---:|---:|---:|---|"]
            for r in rows {
                let b = r.baseline.map { String(format: "%.3f", $0) } ?? "—"
                // A re-measured row shows every run, first to last: "0.512 → 0.601".
                let values = [r.current] + r.rechecks
                let c = values.map { $0.map { String(format: "%.3f", $0) } ?? "—" }.joined(separator: " → ")
                let ch = values.map { v in r.baseline.flatMap { b in v.map { String(format: "%+.1f%%", 100 * ($0 / b - 1)) } } ?? "—" }
                    .joined(separator: " → ")
                out.append("| \(r.quantity) | \(r.test) | \(b) | \(c) | \(ch) | \(r.verdict.rawValue) |")
            }
            let failed = rows.filter { $0.verdict.fails }.count
            out.append("")
            out.append(failed == 0
                ? String(format: "gate: passed (tolerance %.0f%%, %d quantities)", 100 * tolerance, rows.count)
                : String(format: "gate: FAILED: %d of %d quantities regressed beyond their tolerance (%.0f%%, see the notes above) or went missing", failed, rows.count, 100 * tolerance))
            return (notes + (notes.isEmpty ? [] : [""]) + out).joined(separator: "\n")
        }
    }

    /// Decode of one sequence divides by the calibration sgemv's bandwidth, and memory bandwidth
    /// moves with whatever else shares the memory bus: on unchanged code its utilisation drifted
    /// by up to 10% between sessions while prefill's stayed within 3%. Those rows gate at this
    /// multiple of the tolerance; the hybrid/baseline ratio of the same test still gates at the
    /// tolerance itself, so a real decode regression is caught either way.
    public static let bandwidthToleranceFactor = 1.5

    /// The gated quantities of a report, keyed by (quantity, test); `bandwidthBound` marks the
    /// utilisation of decode at batch 1.
    static func quantities(_ report: BenchReport) -> [(key: Quantity, test: String, value: Double, bandwidthBound: Bool)] {
        var q: [(Quantity, String, Double, Bool)] = []
        for r in report.results {
            let decodeOne: Bool = { if case .decode = r.test { return r.batch == 1 }; return false }()
            q.append((.utilisation(model: r.model), r.testName, r.utilisation.median, decodeOne))
            if let ratio = r.ratioToBaseline, let b = report.baseline {
                q.append((.ratio(model: r.model, baseline: b), r.testName, ratio.median, false))
            }
        }
        return q
    }

    /// What a baseline entry is kept for: the CPU model (CPUID signature; an AMD Zen 5 and an
    /// Intel Xeon can both run Cooperlake kernels at different utilisation), the OpenBLAS core
    /// and the thread count. An entry recorded before signatures existed has none and matches no CPU.
    public static func setup(_ e: RunEnvironment) -> String {
        "\(e.cpuSignature ?? "unknown CPU"), OpenBLAS core \(e.openblasCore), \(e.threads) thread\(e.threads == 1 ? "" : "s")"
    }

    static func sameSetup(_ a: RunEnvironment, _ b: RunEnvironment) -> Bool {
        a.cpuSignature != nil && a.cpuSignature == b.cpuSignature && sameCore(a, b)
    }

    static func sameCore(_ a: RunEnvironment, _ b: RunEnvironment) -> Bool {
        a.openblasCore == b.openblasCore && a.threads == b.threads
    }

    public static func compare(current: BenchReport, baseline: BenchReport, tolerance: Double) -> Outcome {
        var notes: [String] = []
        let sameSetup = sameSetup(current.environment, baseline.environment)
        if !sameSetup {
            let unknown = baseline.environment.cpuSignature == nil ? " (an entry recorded before baselines were kept per CPU model)" : ""
            notes.append("note: baseline measured on \(setup(baseline.environment))\(unknown); current on \(setup(current.environment)): utilisation is shown but not gated, only the ratios are (record a baseline for this setup with `make gate-baseline`)")
        }
        // Decode at batch 1 divides by the calibration sgemv: one that read another amount (the
        // old fixed 64 MiB, absent here, sat inside some CPUs' caches), or took its rate another
        // way (4 KiB pages and one sweep before the probe's method was recorded), is another
        // denominator.
        let sameBytes = current.bandwidthBytes == baseline.bandwidthBytes
        let sameProbe = current.bandwidthProbe == baseline.bandwidthProbe
        let sameBandwidth = sameBytes && sameProbe
        if sameSetup && !sameBytes {
            let size = { (b: Int?) in b.map { "\($0 >> 20) MiB" } ?? "64 MiB (older report)" }
            notes.append("note: the bandwidth calibration read \(size(baseline.bandwidthBytes)) for the baseline and \(size(current.bandwidthBytes)) now: decode-at-batch-1 utilisation is shown but not gated (re-record the baseline with `make gate-baseline`)")
        } else if sameSetup && !sameProbe {
            let method = { (m: String?) in m ?? "sgemv, 4 KiB pages, one sweep (older report)" }
            notes.append("note: the bandwidth calibration was \(method(baseline.bandwidthProbe)) for the baseline and \(method(current.bandwidthProbe)) now: decode-at-batch-1 utilisation is shown but not gated (re-record the baseline with `make gate-baseline`)")
        }
        let now = quantities(current)
        let before = quantities(baseline)
        var rows: [Row] = []
        for b in before {
            guard let c = now.first(where: { $0.key == b.key && $0.test == b.test }) else {
                rows.append(Row(quantity: b.key, test: b.test, baseline: b.value, current: nil, verdict: .missing))
                continue
            }
            let change = c.value / b.value - 1
            let allowed = b.bandwidthBound ? tolerance * bandwidthToleranceFactor : tolerance
            var verdict: Verdict = change < -allowed ? .regressed : change > allowed ? .improved : .ok
            if b.key.isUtilisation && (!sameSetup || (b.bandwidthBound && !sameBandwidth)) { verdict = .notGated }
            rows.append(Row(quantity: b.key, test: b.test, baseline: b.value, current: c.value, verdict: verdict))
        }
        for c in now where !before.contains(where: { $0.key == c.key && $0.test == c.test }) {
            rows.append(Row(quantity: c.key, test: c.test, baseline: nil, current: c.value, verdict: .new))
        }
        if sameSetup && sameBandwidth && before.contains(where: \.bandwidthBound) {
            notes.append(String(format: "note: utilisation of decode at batch 1 (bandwidth-bound) gates at %.0f%%, the rest at %.0f%%",
                                100 * tolerance * bandwidthToleranceFactor, 100 * tolerance))
        }
        return Outcome(rows: rows, tolerance: tolerance, notes: notes)
    }

    /// The first run's comparison, re-judged with the runs that re-measured it (`make gate` measures
    /// again when the first run regressed): a quantity fails only when it regressed, or went
    /// missing, in every run. Throughput on a shared machine dips for as long as a neighbour's
    /// burst, which can span one whole run (CI once saw decode utilisation 20% down with unchanged
    /// code); a change in the code slows every run alike, so it still fails.
    public static func compare(runs: [BenchReport], baselines: [BenchReport], tolerance: Double) -> Outcome? {
        guard let first = runs.first, let base = pick(baselines, for: first) else { return nil }
        let outcome = compare(current: first, baseline: base, tolerance: tolerance)
        guard runs.count > 1 else { return outcome }
        let later = runs.dropFirst().compactMap { r in pick(baselines, for: r).map { compare(current: r, baseline: $0, tolerance: tolerance) } }
        var unconfirmed = 0
        let rows = outcome.rows.map { row -> Row in
            let same = later.map { $0.rows.first { $0.quantity == row.quantity && $0.test == row.test } }
            var r = row
            r.rechecks = same.map { $0?.current }
            // A quantity absent from a later run counts as failing there (missing).
            if row.verdict.fails && !same.allSatisfy({ $0?.verdict.fails ?? true }) {
                r.verdict = .unconfirmed
                unconfirmed += 1
            }
            return r
        }
        let note = "note: \(runs.count) runs: a quantity fails only if it regressed in every one" +
            (unconfirmed > 0 ? " (\(unconfirmed) regressed in the first run alone: \"not confirmed\")" : "")
        return Outcome(rows: rows, tolerance: tolerance, notes: outcome.notes + [note])
    }

    /// The entry of a baseline file for the current setup (CPU model, OpenBLAS core, threads);
    /// else one with the same core and threads (its ratios still gate); else the first.
    public static func pick(_ baselines: [BenchReport], for current: BenchReport) -> BenchReport? {
        baselines.first { sameSetup($0.environment, current.environment) }
            ?? baselines.first { sameCore($0.environment, current.environment) }
            ?? baselines.first
    }

    /// Replaces (or adds) the entry for the current setup; entries of other CPU models, cores or
    /// thread counts stay.
    public static func updated(_ baselines: [BenchReport], with current: BenchReport) -> [BenchReport] {
        func same(_ e: RunEnvironment) -> Bool {
            e.cpuSignature == current.environment.cpuSignature && sameCore(e, current.environment)
        }
        var out = baselines.filter { !same($0.environment) }
        out.append(current)
        func key(_ r: BenchReport) -> (String, String, Int) {
            (r.environment.cpuSignature ?? "", r.environment.openblasCore, r.environment.threads)
        }
        return out.sorted { key($0) < key($1) }
    }

    // MARK: Files

    /// Reads a bench report: `bench --json` output, a list of them (a baseline file), or a
    /// results.json from `run` (its "throughput" member).
    public static func load(_ path: String) throws -> [BenchReport] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError.unreadable(file: path, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        if let one = try? decoder.decode(BenchReport.self, from: data) { return [one] }
        if let many = try? decoder.decode([BenchReport].self, from: data), !many.isEmpty { return many }
        if let wrapped = try? decoder.decode(ThroughputHolder.self, from: data) { return [wrapped.throughput] }
        // Say why the plain form failed: that is the most useful message.
        do { _ = try decoder.decode(BenchReport.self, from: data) } catch let DecodingError.keyNotFound(key, ctx) {
            throw ReportError.malformed(file: path, reason: "missing '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ReportError.malformed(file: path, reason: "wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw ReportError.malformed(file: path, reason: "\(error.localizedDescription)")
        }
        throw ReportError.malformed(file: path, reason: "unrecognised layout")
    }

    public static func save(_ reports: [BenchReport], to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try enc.encode(reports).write(to: URL(fileURLWithPath: path)) } catch {
            throw ReportError.unwritable(file: path, reason: error.localizedDescription)
        }
    }

    private struct ThroughputHolder: Decodable { let throughput: BenchReport }
}
