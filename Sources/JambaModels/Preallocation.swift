/// Memory taken up front, for callers that must know what a run will hold before it runs (the
/// claims benchmark measures the peak resident memory of a whole run against a budget, and stops a
/// run as soon as that peak passes it). The forward's scratch is the engine's workspace, sized
/// when the engine is made (EngineOptions.workspaceRows).

extension SequenceState {
    /// Makes this state a copy of `other`: the same cached keys and values, Mamba states and
    /// position, in this state's own buffers (their reserved capacity is kept). B states reserved
    /// for a context and then filled from one prefilled sequence hold exactly the memory of B
    /// prompts prefilled one by one, without the transient second buffer `copy()` followed by
    /// `reserveCache` allocates. Both states must come from the same model.
    public func fill(from other: SequenceState) {
        precondition(layers.count == other.layers.count, "states of different models")
        for (mine, theirs) in zip(layers, other.layers) {
            switch (mine, theirs) {
            case (.attention(let a), .attention(let b)):
                precondition(a.width == b.width, "states of different models")
                a.reset()
                a.append(keys: b.keys, values: b.values, ld: b.width, rows: b.count)
            case (.mamba(let a), .mamba(let b)):
                precondition(a.conv.count == b.conv.count && a.ssm.count == b.ssm.count, "states of different models")
                a.conv.pointer.update(from: b.conv.pointer, count: a.conv.count)
                a.ssm.pointer.update(from: b.ssm.pointer, count: a.ssm.count)
            default:
                preconditionFailure("states of different models")
            }
        }
        position = other.position
        plannedLength = other.plannedLength
    }
}
