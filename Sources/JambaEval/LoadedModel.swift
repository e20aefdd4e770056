import Foundation
import JambaModels
import JambaSupport
import JambaTokenizers

/// A suite model, loaded once: weights, its tokenizer when it has one, and a fingerprint of what
/// its answers depend on (so stale samples are detected).
public struct LoadedModel {
    public let spec: Suite.Model
    public let config: ModelConfiguration
    /// The plan checked before the weights were allocated (weights, state, scratch).
    public let memoryPlan: MemoryPlan
    private let weights: DecoderModel?
    /// The model. Only a LoadedModel made with `weights: true` (the default) has one; `validate`
    /// makes them without, so it never allocates or reads a weight.
    public var model: DecoderModel {
        guard let weights else { preconditionFailure("model '\(spec.name)' was loaded for validation only, without weights") }
        return weights
    }
    public let tokenizer: (any Tokenizer)?
    public let fingerprint: String
    /// Things worth a look that do not stop the run (config.json keys no architecture reads, tensors
    /// of the checkpoint no layer reads).
    public var warnings: [String] = []

    /// - shape: what a run holds at once (the suite's max_batch sequences, batch_tokens, prefill_chunk),
    ///   planned with the weights before anything is allocated.
    /// - weights: false reads config.json (and the checkpoint's headers), plans the memory, and stops there.
    public init(_ spec: Suite.Model, shape: MemoryPlan.Shape = .weightsOnly, weights load: Bool = true) throws {
        self.spec = spec
        do {
            var parts = ["model \(spec.name)"]
            let prepared: PreparedModel
            switch spec.source {
            case .checkpoint(let folder):
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
                    throw RunError.model(name: spec.name, reason: "\(folder.path) is a file, not a checkpoint folder (a config.json with random weights goes under 'config:')")
                }
                prepared = try PreparedModel(folder: folder, shape: shape)
                parts.append("checkpoint \(folder.path)")
                for f in (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] where f.hasSuffix(".json") || f.hasSuffix(".safetensors") {
                    let attrs = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(f).path)
                    parts.append("\(f) \(attrs?[.size] ?? 0) \((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
                }
            case .config(let file, let seed):
                prepared = try PreparedModel(config: file, seed: seed, shape: shape)
                parts.append("config \(String(decoding: try JSONEncoder().encode(prepared.config), as: UTF8.self)) seed \(seed)")
            }
            config = prepared.config
            memoryPlan = prepared.memoryPlan
            if load {
                let model = try prepared.load()
                weights = model
                warnings = model.warnings
            } else {
                weights = nil
                warnings = prepared.warnings
            }
            if let folder = spec.tokenizer {
                tokenizer = try loadTokenizer(from: folder)
                parts.append("tokenizer \(folder.path)")
            } else if case .checkpoint(let folder) = spec.source, let found = try loadTokenizer(ifIn: folder) {
                tokenizer = found
                parts.append("tokenizer \(folder.path)")
            } else {
                tokenizer = nil
            }
            fingerprint = Fingerprint.of(parts)
        } catch let e as RunError {
            throw e
        } catch {
            throw RunError.model(name: spec.name, reason: "\(error)")
        }
    }

    /// Text for generated ids (special tokens dropped), for stop strings and predictions.
    public var detokenize: (([Int]) -> String)? {
        guard let t = tokenizer else { return nil }
        return { t.decode($0, skipSpecialTokens: true) }
    }

    /// Ids that end generation: the tokenizer's EOS, else the config's.
    public var stopTokens: Set<Int> {
        if let e = tokenizer?.eosTokenId { return [e] }
        return Set(config.eosTokenIds)
    }
}

/// FNV-1a over text: stable across runs and machines (Swift's Hasher is seeded per process).
public enum Fingerprint {
    public static func of(_ parts: [String]) -> String {
        String(FNV1a.hash(parts.joined(separator: "\n")), radix: 16)
    }
}

extension Suite.Settings {
    /// What a run of this suite holds at once, for the memory plan: up to max_batch sequences whose
    /// prompts and generated tokens total at most batch_tokens (the runner's batch budget), read in
    /// prefill chunks of prefill_chunk rows.
    public var memoryShape: MemoryPlan.Shape {
        let b = engine.maxBatch
        return MemoryPlan.Shape(sequences: b, context: (batchTokens + b - 1) / b, chunk: engine.prefillChunk, threads: engine.threads)
    }
}
