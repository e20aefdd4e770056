import Foundation

/// NVIDIA RULER's task families, for records that come from RULER itself: its files carry no
/// `max_new_tokens` or `metric` (RULER keeps both in its task configuration), so they are taken
/// from the family, as RULER's `tokens_to_generate` and `metric_fn` give them. Without this a
/// common-words answer (about 60 tokens) would be cut at a fixed small budget and a perfect model
/// would score half.
public enum RulerFamily: String, Sendable, CaseIterable {
    case niah, variableTracking = "vt", commonWords = "cwe", frequentWords = "fwe", qa

    /// RULER's tokens_to_generate for the family.
    public var tokensToGenerate: Int {
        switch self {
        case .niah: return 128
        case .variableTracking: return 30
        case .commonWords: return 120
        case .frequentWords: return 50
        case .qa: return 32
        }
    }

    /// RULER's metric: question answering accepts any of the references, the others need all.
    public var metric: Metric { self == .qa ? .stringMatchPart : .stringMatchAll }

    /// The family a task or file name belongs to: RULER's task names (niah_single_1, vt, cwe,
    /// fwe, qa_1 …), its generator names (variable_tracking, common_words_extraction,
    /// freq_words_extraction) and jamba-eval's own (niah_multikey, variable_tracking).
    public static func named(_ raw: String) -> RulerFamily? {
        let name = raw.lowercased().replacingOccurrences(of: "-", with: "_")
        func either(_ words: String...) -> Bool { words.contains { name == $0 || name.hasPrefix($0 + "_") } }
        if name.hasPrefix("niah") { return .niah }
        if either("vt", "variable_tracking") { return .variableTracking }
        if either("cwe", "common_words_extraction", "common_words") { return .commonWords }
        if either("fwe", "freq_words_extraction", "frequent_words_extraction", "freq_words") { return .frequentWords }
        if either("qa") { return .qa }
        return nil
    }

    /// The family of `record` in `task`: from the record's own `task`, else the suite task's name,
    /// else the data file (RULER writes <task>/validation.jsonl, so the folder names the task).
    public static func of(recordTask: String?, task: Suite.Task) -> RulerFamily? {
        var names: [String] = []
        if let t = recordTask { names.append(t) }
        names.append(task.name)
        names.append(task.data.deletingLastPathComponent().lastPathComponent)
        names.append(String(task.data.lastPathComponent.split(separator: ".").first ?? ""))
        for n in names { if let f = named(n) { return f } }
        return nil
    }
}
