import Foundation
import JambaEval

/// accuracy.csv and throughput.csv: the results tables flattened for spreadsheets and pandas.
/// Scores stay on the 0…1 scale of results.json (docs/results-schema.md lists the columns).
enum ReportCSV {
    static let accuracyHeader = ["model", "task", "metric", "bucket", "length", "depth", "n", "mean", "stderr",
                                 "baseline", "paired_n", "delta", "p_value"]

    /// One row per model × task × bucket; `bucket` is overall, length, depth or cell. The paired
    /// columns are filled where a comparison with the baseline exists (overall and length rows).
    static func accuracy(_ r: RunResults) -> String {
        var t = CSVTable(header: accuracyHeader)
        for a in r.accuracy {
            let cmp = r.comparison(model: a.model, task: a.task)
            func row(_ bucket: String, _ length: Int?, _ depth: Double?, _ s: MetricSummary, _ p: PairedCounts?) {
                t.append([a.model, a.task, a.metric.rawValue, bucket, length.map(String.init) ?? "", CSVTable.number(depth),
                          "\(s.n)", CSVTable.number(s.mean), CSVTable.number(s.stderr),
                          p == nil ? "" : cmp!.baseline, p.map { "\($0.n)" } ?? "", CSVTable.number(p?.delta), CSVTable.number(p?.pValue)])
            }
            row("overall", nil, nil, a.overall, cmp?.overall)
            for l in a.byLength { row("length", l.length, nil, l.accuracy, cmp?.byLength.first { $0.length == l.length }?.paired) }
            for d in a.byDepth { row("depth", nil, d.depth, d.accuracy, nil) }
            for c in a.cells { row("cell", c.length, c.depth, c.accuracy, nil) }
        }
        return t.text
    }

    static let throughputHeader = ["model", "parameters", "threads", "test", "kind", "tokens", "depth", "batch",
                                   "tps_mean", "tps_sd", "tps_median", "mfu_mean", "mfu_sd", "mfu_median",
                                   "ratio_to_baseline_mean", "ratio_to_baseline_sd", "ratio_to_baseline_median", "state_bytes"]

    /// One row per throughput result, in the bench's order; empty (header only) without probes.
    static func throughput(_ r: RunResults) -> String {
        var t = CSVTable(header: throughputHeader)
        guard let b = r.throughput else { return t.text }
        for x in b.results {
            let (kind, depth): (String, Int) = {
                switch x.test {
                case .prefill: return ("prefill", 0)
                case .decode(_, let d): return ("decode", d)
                }
            }()
            t.append([x.model, "\(x.parameters)", "\(b.environment.threads)", x.testName, kind, "\(x.test.tokens)", "\(depth)",
                      "\(x.batch)", CSVTable.number(x.tokensPerSecond.mean), CSVTable.number(x.tokensPerSecond.sd),
                      CSVTable.number(x.tokensPerSecond.median), CSVTable.number(x.utilisation.mean),
                      CSVTable.number(x.utilisation.sd), CSVTable.number(x.utilisation.median),
                      CSVTable.number(x.ratioToBaseline?.mean), CSVTable.number(x.ratioToBaseline?.sd),
                      CSVTable.number(x.ratioToBaseline?.median), "\(x.stateBytes)"])
        }
        return t.text
    }
}
