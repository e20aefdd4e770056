import Foundation
import JambaCheckpoint
import JambaData
import JambaModels

/// Checks everything a run will need without running a model: model configs parse (and
/// checkpoint headers validate), tokenizers load, data files exist and every record parses and
/// prepares (tokenized, ids inside the vocabulary). Returns every problem found, not just the first.
public enum SuiteValidator {
    public struct Report {
        public var problems: [String] = []
        /// Not errors, but worth a look (tensors no layer reads).
        public var warnings: [String] = []
        public var records: [String: Int] = [:]
    }

    public static func validate(_ suite: Suite) -> Report {
        var report = Report()
        var loaded: [LoadedModel] = []
        for spec in suite.models {
            do {
                // Configs, headers and the memory plan only: validation never allocates a weight.
                let model = try LoadedModel(spec, shape: suite.settings.memoryShape, weights: false)
                loaded.append(model)
                report.warnings += model.warnings
            } catch {
                report.problems.append("\(spec.location): \(error)")
            }
        }
        for task in suite.tasks {
            guard FileManager.default.fileExists(atPath: task.data.path) else {
                report.problems.append("\(task.dataLocation): task '\(task.name)': data file \(task.data.path) does not exist")
                continue
            }
            do {
                // The checks `run` makes before any model work, then every record as each model
                // will see it (tokenized, ids in its vocabulary, a budget that holds the answer).
                _ = try RecordCheck.scan(task)
                let reader = try TaskReader(path: task.data.path)
                var n = 0
                while let record = try reader.next() {
                    if let limit = task.limit, n >= limit { break }
                    n += 1
                    for model in loaded {
                        _ = try RecordCheck.atLine(reader.lineNumber) { try PreparedSample(record, task: task, file: task.data.path, model: model) }
                    }
                }
                report.records[task.name] = n
            } catch {
                report.problems.append("\(error)")
            }
        }
        return report
    }
}
