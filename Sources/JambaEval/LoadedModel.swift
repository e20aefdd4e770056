import Foundation
import JambaCheckpoint
import JambaModels
import JambaSupport
import JambaTokenizers

/// A suite model, loaded once: weights, its tokenizer when it has one, and a fingerprint of what
/// its answers depend on (so stale samples are detected).
public struct LoadedModel {
    public let spec: Suite.Model
    public let model: DecoderModel
    public let tokenizer: (any Tokenizer)?
    public let fingerprint: String
    /// Things worth a look that do not stop the run (tensors of the checkpoint no layer reads).
    public var warnings: [String] = []

    public init(_ spec: Suite.Model) throws {
        self.spec = spec
        do {
            var parts = ["model \(spec.name)"]
            switch spec.source {
            case .checkpoint(let folder):
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
                    throw RunError.model(name: spec.name, reason: "\(folder.path) is a file, not a checkpoint folder (a config.json with random weights goes under 'config:')")
                }
                model = try DecoderModel.load(folder: folder)
                if let w = (model.source as? Checkpoint)?.unreadTensorWarning { warnings.append(w) }
                parts.append("checkpoint \(folder.path)")
                for f in (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] where f.hasSuffix(".json") || f.hasSuffix(".safetensors") {
                    let attrs = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(f).path)
                    parts.append("\(f) \(attrs?[.size] ?? 0) \((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
                }
            case .config(let file, let seed):
                model = try DecoderModel.random(config: file, seed: seed)
                parts.append("config \(String(decoding: try JSONEncoder().encode(model.config), as: UTF8.self)) seed \(seed)")
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
        return Set(model.config.eosTokenIds)
    }
}

/// FNV-1a over text: stable across runs and machines (Swift's Hasher is seeded per process).
public enum Fingerprint {
    public static func of(_ parts: [String]) -> String {
        String(FNV1a.hash(parts.joined(separator: "\n")), radix: 16)
    }
}
