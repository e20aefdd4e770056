/// One needle-in-a-haystack task: which family, what fills the haystack, what the values are.
/// RULER's standard set maps onto it as: niah_single_1 = (single, noise, number), niah_single_2 =
/// (single, essay, number), niah_single_3 = (single, essay, uuid), niah_multikey_1 = (multikey,
/// essay, number, keys 4), niah_multikey_2 = (multikey, needles, number), niah_multikey_3 =
/// (multikey, needles, uuid), niah_multivalue = (multivalue, essay, number, values 4),
/// niah_multiquery = (multiquery, essay, number, queries 4).
public struct NIAHConfiguration: Sendable {
    public var variant: NIAHVariant
    public var haystack: HaystackKind
    public var valueKind: NeedleValueKind
    /// multikey: needles in all, the queried one included (distractors = keys − 1). With the
    /// `.needles` haystack the haystack itself is distractors, and these are extra.
    public var keys: Int
    /// multivalue: values under the one key.
    public var values: Int
    /// multiquery: keys asked at once.
    public var queries: Int
    /// Tokens the answer may take; nil: enough for the values asked (12 per number, 30 per uuid,
    /// at least 32).
    public var maxNewTokens: Int?
    /// The record's `task`; nil: "niah_<variant>".
    public var taskName: String?

    public init(variant: NIAHVariant = .single, haystack: HaystackKind = .noise, valueKind: NeedleValueKind = .number,
                keys: Int = 4, values: Int = 4, queries: Int = 4, maxNewTokens: Int? = nil, taskName: String? = nil) {
        self.variant = variant
        self.haystack = haystack
        self.valueKind = valueKind
        self.keys = keys
        self.values = values
        self.queries = queries
        self.maxNewTokens = maxNewTokens
        self.taskName = taskName
    }

    public var task: String { taskName ?? "niah_\(variant.rawValue)" }

    /// Number of values the answer holds.
    var answerCount: Int {
        switch variant {
        case .single, .multikey: return 1
        case .multivalue: return values
        case .multiquery: return queries
        }
    }

    var resolvedMaxNewTokens: Int {
        maxNewTokens ?? max(32, answerCount * (valueKind == .number ? 12 : 30))
    }

    func validate() throws {
        switch variant {
        case .multikey where keys < 1 && haystack != .needles:
            throw DataError.invalidRequest("niah multikey: keys must be ≥ 1 (got \(keys))")
        case .multivalue where values < 1:
            throw DataError.invalidRequest("niah multivalue: values must be ≥ 1 (got \(values))")
        case .multiquery where queries < 1:
            throw DataError.invalidRequest("niah multiquery: queries must be ≥ 1 (got \(queries))")
        default: break
        }
        if let m = maxNewTokens, m < 0 { throw DataError.invalidRequest("max_new_tokens must be ≥ 0 (got \(m))") }
    }
}
