import JambaData

/// `data bench` rendered for people (the measurement is `ReaderBenchmark` itself).
extension ReaderBenchmark {
    /// One row per stage: seconds, uncompressed MB/s and, where the stage counts them, lines or
    /// records per second.
    public func markdown() -> String {
        var lines = ["| stage | seconds | MB/s (uncompressed) | lines or records/s |", "|---|---|---|---|"]
        for s in stages {
            let rate = s.records > 0 ? String(Int(s.recordsPerSecond.rounded())) : "–"
            lines.append("| \(s.name) | \(fmt(s.seconds, 3)) | \(fmt(s.megabytesPerSecond, 0)) | \(rate) |")
        }
        return lines.joined(separator: "\n")
    }

    private func fmt(_ v: Double, _ digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (v * p).rounded() / p
        return digits == 0 ? String(Int(r)) : String(r)
    }
}
