/// The prompt of a needle task, in RULER's shape — an instruction line, the haystack, a question
/// line, and an answer prefix that starts with a space and that the model continues — worded for
/// this project.
enum NIAHTemplate {
    static func needle(key: String, value: String, kind: NeedleValueKind) -> String {
        "A special magic \(kind.singular) for \(key) is: \(value)."
    }

    static func header(kind: NeedleValueKind) -> String {
        "Some special magic \(kind.plural) are hidden in the text below. Memorize them; I will ask about the \(kind.plural) afterwards.\n"
    }

    static func question(keys: [String], kind: NeedleValueKind) -> String {
        "\nWhat are all the special magic \(kind.plural) for \(list(keys)) in the text above?"
    }

    static func answerPrefix(keys: [String], kind: NeedleValueKind) -> String {
        " The special magic \(kind.plural) for \(list(keys)) in the text above are"
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        if items.count <= 1 { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
