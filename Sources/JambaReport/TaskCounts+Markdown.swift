import JambaData

/// `data stats` rendered for people.
extension TaskCounts {
    /// One row per task, in name order.
    public func markdown() -> String {
        var lines = ["| task | records | tokens | min length | max length |", "|---|---|---|---|---|"]
        for (task, e) in byTask.sorted(by: { $0.key < $1.key }) {
            lines.append("| \(task) | \(e.records) | \(e.tokens) | \(e.minLength) | \(e.maxLength) |")
        }
        return lines.joined(separator: "\n")
    }
}
