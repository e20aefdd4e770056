/// The built-in vocabulary for generated haystacks and needle keys: plain, common English words
/// written for this project (no copyrighted text is shipped). Verbs are (base, third person,
/// past); nouns all take a plain "s" plural. Order matters: generators index into these lists, so
/// appending words changes datasets made with the same seed — add a new list instead.
enum WordLists {
    static let adjectives: [String] = [
        "quiet", "bright", "narrow", "ancient", "gentle", "hollow", "silver", "rapid", "patient", "distant",
        "humble", "crooked", "golden", "brittle", "careful", "curious", "dusty", "eager", "faint", "fierce",
        "frozen", "generous", "hidden", "honest", "lively", "lonely", "modest", "muddy", "noble", "orange",
        "pale", "peaceful", "polite", "proud", "rusty", "sandy", "scarlet", "shallow", "sharp", "shy",
        "silent", "simple", "sleepy", "smooth", "solid", "steady", "sturdy", "sudden", "swift", "tender",
        "tidy", "tiny", "tired", "twisted", "velvet", "vivid", "warm", "weary", "wild", "wise",
        "wooden", "young", "amber", "bold", "calm", "clever", "cold", "copper", "crimson", "damp",
        "deep", "early", "empty", "fragile", "fresh", "gray", "green", "heavy", "icy", "jolly",
        "keen", "late", "little", "loud", "lucky", "mellow", "misty", "open", "plain", "rough",
        "round", "salty", "second", "small", "soft", "stony", "strange", "sunny", "thin", "vast",
    ]

    static let nouns: [String] = [
        "harbor", "lantern", "meadow", "river", "window", "garden", "bridge", "candle", "forest", "island",
        "mountain", "orchard", "pebble", "rabbit", "saddle", "teacher", "tunnel", "valley", "village", "wagon",
        "anchor", "basket", "beacon", "blanket", "bottle", "button", "cabin", "canyon", "carpet", "castle",
        "cellar", "chimney", "cliff", "clock", "cloud", "compass", "cottage", "curtain", "desert", "doctor",
        "engine", "falcon", "farmer", "feather", "fence", "field", "garage", "glacier", "hammer", "helmet",
        "hill", "jacket", "kettle", "kitchen", "ladder", "lake", "letter", "library", "market", "mirror",
        "monkey", "needle", "notebook", "ocean", "painter", "parrot", "pencil", "pilot", "planet", "pocket",
        "puzzle", "rocket", "sailor", "school", "shadow", "signal", "singer", "spider", "station", "statue",
        "stream", "street", "student", "sweater", "table", "thread", "ticket", "tower", "tractor", "traveler",
        "trumpet", "tailor", "violin", "wallet", "whistle", "wizard", "worker", "writer", "yard", "zebra",
    ]

    static let verbs: [(base: String, third: String, past: String)] = [
        ("carry", "carries", "carried"), ("watch", "watches", "watched"), ("follow", "follows", "followed"),
        ("paint", "paints", "painted"), ("repair", "repairs", "repaired"), ("visit", "visits", "visited"),
        ("describe", "describes", "described"), ("measure", "measures", "measured"), ("collect", "collects", "collected"),
        ("explore", "explores", "explored"), ("answer", "answers", "answered"), ("borrow", "borrows", "borrowed"),
        ("cover", "covers", "covered"), ("cross", "crosses", "crossed"), ("guard", "guards", "guarded"),
        ("join", "joins", "joined"), ("lift", "lifts", "lifted"), ("mend", "mends", "mended"),
        ("notice", "notices", "noticed"), ("open", "opens", "opened"), ("pass", "passes", "passed"),
        ("pull", "pulls", "pulled"), ("push", "pushes", "pushed"), ("reach", "reaches", "reached"),
        ("remember", "remembers", "remembered"), ("sort", "sorts", "sorted"), ("study", "studies", "studied"),
        ("touch", "touches", "touched"), ("trust", "trusts", "trusted"), ("wash", "washes", "washed"),
        ("build", "builds", "built"), ("find", "finds", "found"), ("hold", "holds", "held"),
        ("keep", "keeps", "kept"), ("leave", "leaves", "left"), ("meet", "meets", "met"),
        ("read", "reads", "read"), ("sell", "sells", "sold"), ("send", "sends", "sent"),
        ("teach", "teaches", "taught"),
    ]

    static let adverbs: [String] = [
        "slowly", "quickly", "carefully", "quietly", "gladly", "rarely", "often", "gently", "boldly", "calmly",
        "eagerly", "freely", "happily", "kindly", "loudly", "neatly", "patiently", "proudly", "simply", "warmly",
    ]

    static let prepositions: [String] = [
        "near", "behind", "beside", "beyond", "under", "over", "across", "along", "around", "past",
    ]

    static let connectives: [String] = [
        "Later", "Meanwhile", "In the morning", "By evening", "After a while", "Even so", "At first", "In the end",
        "Every spring", "Once again",
    ]

    static let subjects: [String] = ["she", "he", "they", "we", "everyone", "nobody", "the family", "the crew"]

    /// The noise haystack: a short cycle of plain sentences, like RULER's repeated filler, in words
    /// of our own.
    static let noiseSentences: [String] = [
        "The river is wide.", "The hills are quiet.", "The road goes on.", "Here we are.", "Onward and back again.",
    ]
}
