/// RULER's needle-in-a-haystack families.
public enum NIAHVariant: String, CaseIterable, Sendable {
    /// One needle, one question.
    case single
    /// One queried needle among needles with other keys (distractors).
    case multikey
    /// Several needles with the same key and different values; all values are the answer.
    case multivalue
    /// Several keys asked at once; all their values are the answer.
    case multiquery
}
