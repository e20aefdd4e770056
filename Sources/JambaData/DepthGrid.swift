/// Parses needle depths given in percent: "0:100:11" (11 evenly spaced points from 0 to 100, as
/// numpy's linspace) or a list "0,25,50,75,100". Depths come back as fractions 0…1.
public enum DepthGrid {
    public static func parse(_ spec: String) throws -> [Double] {
        let bad = DataError.invalidRequest("depths: expected START:END:COUNT or a comma-separated list of percents (0…100), got '\(spec)'")
        let percents: [Double]
        if spec.contains(":") {
            let parts = spec.split(separator: ":").map { $0.trimmingCharacters(in: " ") }
            guard parts.count == 3, let a = Double(parts[0]), let b = Double(parts[1]), let n = Int(parts[2]), n >= 1 else { throw bad }
            percents = n == 1 ? [a] : (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
        } else {
            let values = spec.split(separator: ",").map { Double($0.trimmingCharacters(in: " ")) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw bad }
            percents = values.map { $0! }
        }
        guard percents.allSatisfy({ (0...100).contains($0) }) else { throw bad }
        return percents.map { $0 / 100 }
    }

    /// The depth in percent for ids: "25", "9.09".
    public static func label(_ depth: Double) -> String {
        let percent = (depth * 100 * 100).rounded() / 100
        if percent == percent.rounded() { return String(Int(percent)) }
        var s = String(percent)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
