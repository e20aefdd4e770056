/// What mixes tokens in a layer.
public enum MixerKind: String, Sendable, Codable {
    case attention, mamba
}

/// What follows the mixer in a layer.
public enum FeedForwardKind: Sendable, Equatable {
    case dense
    case moe(experts: Int, topK: Int)

    public var isMoE: Bool { if case .moe = self { return true } else { return false } }
}

/// One decoder layer's kinds, computed once from the configuration.
public struct LayerPlan: Sendable, Equatable {
    public let index: Int
    public let mixer: MixerKind
    public let feedForward: FeedForwardKind
}
