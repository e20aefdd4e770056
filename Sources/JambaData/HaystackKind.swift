/// What fills the context around the needles (RULER's haystack types, with our own text).
public enum HaystackKind: String, CaseIterable, Sendable {
    /// A short cycle of plain sentences repeated ("The river is wide. The hills are quiet. …").
    case noise
    /// Essay-like prose from EssayGrammar, in paragraphs.
    case essay
    /// Nothing but distractor needles with other keys, one per line (RULER's multikey_2 shape).
    case needles
}
