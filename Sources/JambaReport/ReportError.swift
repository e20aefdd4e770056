/// Errors reading reports and baselines, naming the file and what was wrong.
public enum ReportError: Error, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    /// A results.json written by another schema version than this build reads.
    case unsupportedSchema(file: String, found: String, expected: String)
    /// The same sample id twice in one model's task: it would be counted twice.
    case duplicateSample(file: String, id: String)
    /// Samples of a model the run does not describe.
    case unknownModel(file: String, model: String)
    /// A sample whose field cannot be aggregated (a NaN score would make results.json unwritable).
    case invalidSample(file: String, id: String, field: String, reason: String)
    /// One task scored with different metrics: its mean would mix scales.
    case mixedMetrics(file: String, task: String, metrics: [String])
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .malformed(file, reason): return "\(file): not a jamba-eval bench or results file: \(reason)"
        case let .unsupportedSchema(file, found, expected):
            return "\(file): field 'schema' is '\(found)'; this jamba-eval reads '\(expected)'"
        case let .duplicateSample(file, id): return "\(file): sample '\(id)' is recorded more than once"
        case let .unknownModel(file, model): return "\(file): field 'model' names '\(model)', which is not a model of this run"
        case let .invalidSample(file, id, field, reason): return "\(file): sample '\(id)': field '\(field)' \(reason)"
        case let .mixedMetrics(file, task, metrics):
            return "\(file): task '\(task)' mixes metrics \(metrics.joined(separator: ", ")); give the task a 'metric' in the suite"
        case let .unwritable(file, reason): return "\(file): cannot write: \(reason)"
        }
    }
}
