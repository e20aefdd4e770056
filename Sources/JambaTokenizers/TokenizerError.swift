import Foundation

/// Everything that can go wrong while loading a tokenizer. Encoding and decoding never fail: every
/// input string has a tokenization once the files have loaded, and `decode` skips ids it does not
/// know, as the `tokenizers` library does.
///
/// `file` is the file name (tokenizer.json, tokenizer_config.json); `field` is a dotted path inside
/// it such as `pre_tokenizer.pretokenizers[1].type`, so a message points at the exact spot.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case invalidJSON(file: String, reason: String)
    case missingField(file: String, field: String)
    case wrongType(file: String, field: String, expected: String)
    case invalidValue(file: String, field: String, reason: String)
    /// A component (model, normalizer, pre-tokenizer, post-processor, decoder) whose `type` this
    /// module does not implement. Loading refuses it rather than tokenizing differently.
    case unsupportedComponent(file: String, field: String, type: String, supported: [String])
    case tokenNotInVocabulary(file: String, field: String, token: String)

    /// The same error with a bare file name (tokenizer.json) replaced by its path in `folder`.
    public func located(in folder: URL) -> TokenizerError {
        func at(_ file: String) -> String { file.contains("/") ? file : folder.appendingPathComponent(file).path }
        switch self {
        case .fileNotFound, .unreadable: return self
        case let .invalidJSON(file, reason): return .invalidJSON(file: at(file), reason: reason)
        case let .missingField(file, field): return .missingField(file: at(file), field: field)
        case let .wrongType(file, field, expected): return .wrongType(file: at(file), field: field, expected: expected)
        case let .invalidValue(file, field, reason): return .invalidValue(file: at(file), field: field, reason: reason)
        case let .unsupportedComponent(file, field, type, supported):
            return .unsupportedComponent(file: at(file), field: field, type: type, supported: supported)
        case let .tokenNotInVocabulary(file, field, token): return .tokenNotInVocabulary(file: at(file), field: field, token: token)
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "tokenizer: \(path) does not exist"
        case .unreadable(let path, let reason):
            return "tokenizer: cannot read \(path): \(reason)"
        case .invalidJSON(let file, let reason):
            return "\(file): not valid JSON: \(reason)"
        case .missingField(let file, let field):
            return "\(file): missing required field \(field)"
        case .wrongType(let file, let field, let expected):
            return "\(file): field \(field) should be \(expected)"
        case .invalidValue(let file, let field, let reason):
            return "\(file): field \(field): \(reason)"
        case .unsupportedComponent(let file, let field, let type, let supported):
            return "\(file): \(field) \"\(type)\" is not supported"
                + " (supported: \(supported.joined(separator: ", ")))"
        case .tokenNotInVocabulary(let file, let field, let token):
            return "\(file): \(field) names token \"\(token)\", which is not in the vocabulary"
        }
    }
}
