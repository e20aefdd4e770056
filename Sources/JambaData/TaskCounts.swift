/// What a task file holds, per task (`data stats`): records, tokens (the records' `length`) and
/// the shortest and longest record. A record without a task counts under "-", one without a
/// length as 0 tokens.
public struct TaskCounts: Sendable {
    public struct Entry: Sendable {
        public var records = 0
        public var tokens = 0
        public var minLength = Int.max
        public var maxLength = 0
    }

    public private(set) var byTask: [String: Entry] = [:]

    public init() {}

    public mutating func add(_ r: TaskRecord) {
        let l = r.length ?? 0
        let task = r.task ?? "-"
        var e = byTask[task, default: Entry()]
        e.records += 1; e.tokens += l; e.minLength = min(e.minLength, l); e.maxLength = max(e.maxLength, l)
        byTask[task] = e
    }
}
