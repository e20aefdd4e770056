import ArgumentParser
import Foundation
import JambaEval

/// Comma-separated integers given to an option ("1024, 4096,16384"): the one parser of them, for
/// --ids, --decode, bench's --prompt/--generate/--depth, data's --lengths and claims' --contexts.
enum IntegerList {
    /// Every item must be an integer: an empty one ("1,,2", a trailing comma) is an error, not
    /// dropped, since a dropped id silently changes the sequence. With `range`, each must be in it.
    static func parse(_ text: String, option: String, range: ClosedRange<Int>? = nil) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Int] = []
        for (i, p) in parts.enumerated() {
            guard let v = Int(p) else {
                throw ValidationError("\(option): item \(i + 1) of '\(text)' is \(p.isEmpty ? "empty" : "'\(p)'"); expected comma-separated integers")
            }
            if let range, let problem = Limits.problem(v, range) { throw ValidationError("\(option): \(problem)") }
            values.append(v)
        }
        return values
    }
}
