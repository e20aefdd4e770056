import Foundation

/// Rotary position embedding settings (rope_theta and rope_scaling, or transformers 5's
/// rope_parameters), and the inverse frequencies they give, as transformers' rope utilities
/// compute them (modeling_rope_utils: default, linear, dynamic, llama3). The attention factor of
/// all four types is 1.
public struct RopeScaling: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// inv_freq[i] = theta^(-2i/dim)
        case `default`
        /// Position interpolation: inv_freq / factor.
        case linear
        /// Dynamic NTK: theta grows with the sequence length once it passes max_position_embeddings.
        case dynamic
        /// Llama 3.1: low frequencies divided by factor, high ones kept, a smooth ramp between.
        case llama3
    }

    public var kind: Kind = .default
    public var factor: Double = 1
    /// llama3 only.
    public var lowFreqFactor: Double = 1
    public var highFreqFactor: Double = 4
    /// llama3: the context the model was trained at (max_position_embeddings when absent).
    public var originalMaxPositionEmbeddings: Int? = nil

    public init(kind: Kind = .default, factor: Double = 1, lowFreqFactor: Double = 1, highFreqFactor: Double = 4,
                originalMaxPositionEmbeddings: Int? = nil) {
        self.kind = kind; self.factor = factor; self.lowFreqFactor = lowFreqFactor
        self.highFreqFactor = highFreqFactor; self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
    }

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type", type, factor
        case lowFreqFactor = "low_freq_factor", highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
    }

    /// Reads a rope_scaling (or rope_parameters) object; "type" is the older spelling of "rope_type".
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .ropeType) ?? c.decodeIfPresent(String.self, forKey: .type) ?? "default"
        guard let k = Kind(rawValue: name) else {
            let key: CodingKeys = c.contains(.ropeType) ? .ropeType : .type
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                "rope type \"\(name)\" is not supported (supported: \(Kind.allCases.map { $0.rawValue }.joined(separator: ", ")))")
        }
        kind = k
        factor = try c.decodeIfPresent(Double.self, forKey: .factor) ?? 1
        lowFreqFactor = try c.decodeIfPresent(Double.self, forKey: .lowFreqFactor) ?? 1
        highFreqFactor = try c.decodeIfPresent(Double.self, forKey: .highFreqFactor) ?? 4
        originalMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .ropeType)
        if kind != .default { try c.encode(factor, forKey: .factor) }
        if kind == .llama3 {
            try c.encode(lowFreqFactor, forKey: .lowFreqFactor)
            try c.encode(highFreqFactor, forKey: .highFreqFactor)
        }
        try c.encodeIfPresent(originalMaxPositionEmbeddings, forKey: .originalMaxPositionEmbeddings)
    }

    /// inv_freq [dim / 2] for rotary dimension `dim`, base `theta`, and (dynamic only) a sequence of
    /// `length` tokens against a trained context of `maxPositions`. transformers computes these in
    /// float32 from a float32 exponent; Double then rounded gives the same values to an ulp.
    public func inverseFrequencies(dim: Int, theta: Double, maxPositions: Int, length: Int) -> [Float] {
        var base = theta
        if kind == .dynamic {
            // transformers takes the trained context from max_position_embeddings here.
            let trained = Double(maxPositions)
            let seq = max(Double(length), trained)
            if seq > trained {
                base = theta * pow(factor * seq / trained - (factor - 1), Double(dim) / Double(dim - 2))
            }
        }
        var inv = (0..<(dim / 2)).map { i -> Double in
            let exponent = Double(Float(2 * i) / Float(dim))
            return 1 / pow(base, exponent)
        }
        switch kind {
        case .default, .dynamic: break
        case .linear: inv = inv.map { $0 / factor }
        case .llama3:
            let old = Double(originalMaxPositionEmbeddings ?? maxPositions)
            let lowWavelength = old / lowFreqFactor, highWavelength = old / highFreqFactor
            inv = inv.map { f in
                let wavelength = 2 * Double.pi / f
                if wavelength < highWavelength { return f }
                if wavelength > lowWavelength { return f / factor }
                let smooth = (old / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor)
                return (1 - smooth) * f / factor + smooth * f
            }
        }
        return inv.map { Float($0) }
    }

    /// Whether the frequencies depend on the sequence length (dynamic past the trained context).
    public var dependsOnLength: Bool { kind == .dynamic }
}
