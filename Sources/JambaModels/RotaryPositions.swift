/// The rotary embedding of a model's attention layers (transformers' LlamaRotaryEmbedding):
/// inverse frequencies over head_dim from rope_theta and rope_scaling, computed once; dynamic
/// scaling recomputes them for sequences longer than the trained context.
public struct RotaryPositions: Sendable {
    public let dim: Int
    public let theta: Double
    public let scaling: RopeScaling
    public let maxPositions: Int
    /// inv_freq [dim / 2] for sequences within the trained context.
    public let baseFrequencies: [Float]

    public init(dim: Int, theta: Double, scaling: RopeScaling, maxPositions: Int) {
        self.dim = dim; self.theta = theta; self.scaling = scaling; self.maxPositions = maxPositions
        baseFrequencies = scaling.inverseFrequencies(dim: dim, theta: theta, maxPositions: maxPositions, length: 0)
    }

    /// inv_freq for a sequence of `length` tokens.
    public func inverseFrequencies(length: Int) -> [Float] {
        guard scaling.dependsOnLength, length > maxPositions else {
            return baseFrequencies
        }
        return scaling.inverseFrequencies(dim: dim, theta: theta, maxPositions: maxPositions, length: length)
    }
}
