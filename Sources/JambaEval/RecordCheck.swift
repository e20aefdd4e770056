import JambaJSON
import Foundation
import JambaData

/// Checks every record of a task that needs no model, for `validate` and for `run` before it
/// loads a model: what would otherwise fail (or be silently wrong) only after hours of model work.
/// Every problem names the file and the line.
public enum RecordCheck {
    /// Streams the task's data once (up to its `limit`) and returns the records it will run.
    /// Throws the first problem: a data file that is not a regular file, a duplicate id, a depth
    /// outside 0…1, a max_new_tokens out of range, a generation record without references or
    /// without a budget, an empty loglikelihood choice.
    public static func scan(_ task: Suite.Task) throws -> Int {
        let path = task.data.path
        let reader = try TaskReader(path: path)
        var lineOf: [String: Int] = [:]
        var n = 0
        while let record = try reader.next() {
            if let limit = task.limit, n >= limit { break }
            n += 1
            let line = reader.lineNumber
            func fail(_ reason: String) -> RunError { .recordAt(file: path, line: line, id: record.id, reason: reason) }
            if let first = lineOf.updateValue(line, forKey: record.id) {
                // Samples are keyed by id: a second record with the same id would never run (a
                // resumed run skips it) or would make two samples the report refuses.
                throw fail("duplicate id (first at line \(first))")
            }
            if let problem = check(record, task: task) { throw fail(problem) }
        }
        return n
    }

    /// The first problem of one record, or nil.
    static func check(_ record: TaskRecord, task: Suite.Task) -> String? {
        if let d = record.depth, !(d >= 0 && d <= 1) { return "'depth' must be in 0…1, got \(d)" }
        if let l = record.length, l < 0 { return "'length' must be non-negative, got \(l)" }
        // 0 is what position- and likelihood-scored records carry (kv_recall writes it).
        if let m = record.maxNewTokens, let p = Limits.problem(m, 0...Limits.newTokens.upperBound) { return "'max_new_tokens' \(p)" }
        let metric: Metric
        do { metric = try PreparedSample.metric(of: record, task: task) } catch let p as PreparedSample.RecordProblem {
            return p.text
        } catch { return "\(error)" }
        switch metric.requestKind {
        case .generate:
            if record.outputs.isEmpty { return "'outputs' is empty: a generation record needs at least one reference" }
            do { _ = try PreparedSample.generationBudget(of: record, task: task) } catch let p as PreparedSample.RecordProblem {
                return p.text
            } catch { return "\(error)" }
        case .positions:
            if record.positions?.isEmpty ?? true { return "positions_accuracy needs 'positions'" }
        case .loglikelihood:
            var choices = record.outputs
            if case .array(let values)? = record.extras["choices"] {
                choices = values.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            }
            if choices.isEmpty { return "loglikelihood needs 'outputs' (or 'choices' with 'gold')" }
            if let i = choices.firstIndex(where: \.isEmpty) { return "choice \(i) is empty" }
        }
        return nil
    }
}

extension RecordCheck {
    /// Runs `body` (which prepares the record read at `line`) and adds the line to a record error.
    static func atLine<T>(_ line: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch RunError.record(let file, let id, let reason) {
            throw RunError.recordAt(file: file, line: line, id: id, reason: reason)
        }
    }
}

extension Runner {
    /// Every task's records checked (RecordCheck.scan) before the first model loads, so a bad
    /// record stops the run at once instead of after the tasks before it. Returns the record
    /// counts by task name, which the progress display needs.
    func preflight() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for task in suite.tasks { counts[task.name] = try RecordCheck.scan(task) }
        return counts
    }
}
