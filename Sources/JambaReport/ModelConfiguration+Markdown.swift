import JambaModels

/// `inspect`'s layer map rendered for people.
extension ModelConfiguration {
    /// One row per layer: its mixer and feed-forward kind.
    public func layerTable() -> String {
        var lines = ["| layer | mixer | feed-forward |", "|---|---|---|"]
        for plan in layers {
            let ff: String
            switch plan.feedForward {
            case .dense: ff = "dense"
            case .moe(let e, let k): ff = "moe \(e) experts, top \(k)"
            }
            lines.append("| \(plan.index) | \(plan.mixer.rawValue) | \(ff) |")
        }
        return lines.joined(separator: "\n")
    }
}
