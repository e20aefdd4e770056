/// RULER's variable tracking: `chains` chains of assignments, each a value and then `hops`
/// variables copied one from the other (VAR A = 12345, VAR B = VAR A, …), scattered through a
/// noise haystack; the question asks for every variable holding the first chain's value.
public struct VariableTrackingConfiguration: Sendable {
    public var chains: Int
    public var hops: Int
    public var haystack: HaystackKind
    /// nil: enough to list the answer's variables (6 tokens each, at least 30, RULER's default).
    public var maxNewTokens: Int?
    public var taskName: String?

    public init(chains: Int = 1, hops: Int = 4, haystack: HaystackKind = .noise, maxNewTokens: Int? = nil, taskName: String? = nil) {
        self.chains = chains
        self.hops = hops
        self.haystack = haystack
        self.maxNewTokens = maxNewTokens
        self.taskName = taskName
    }

    public var task: String { taskName ?? "variable_tracking" }
    var resolvedMaxNewTokens: Int { maxNewTokens ?? max(30, (hops + 1) * 6) }

    func validate() throws {
        guard chains >= 1 else { throw DataError.invalidRequest("variable_tracking: chains must be ≥ 1 (got \(chains))") }
        guard hops >= 0 else { throw DataError.invalidRequest("variable_tracking: hops must be ≥ 0 (got \(hops))") }
        guard haystack != .needles else { throw DataError.invalidRequest("variable_tracking: haystack must be noise or essay") }
        if let m = maxNewTokens, m < 0 { throw DataError.invalidRequest("max_new_tokens must be ≥ 0 (got \(m))") }
    }
}
