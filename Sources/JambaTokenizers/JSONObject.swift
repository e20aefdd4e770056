import Foundation
import JambaJSON

/// A JSON object plus the file name and the dotted path that led to it, so that every accessor
/// can throw an error naming the exact field. tokenizer.json nests components chosen by a
/// `"type"` string, which fits a dynamic reader better than `Codable`.
struct JSONObject {
    let fields: [String: JSONValue]
    let file: String
    let path: String

    init(_ fields: [String: JSONValue], file: String, path: String = "") {
        self.fields = fields
        self.file = file
        self.path = path
    }

    /// Parses `data` as a JSON object (the top level of tokenizer.json / tokenizer_config.json).
    static func parse(_ data: Data, file: String) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try data.withUnsafeBytes { try JSONParser.parse($0) }
        } catch let error as JSONParser.Failure {
            throw TokenizerError.invalidJSON(file: file, reason: "\(error.reason) at byte \(error.offset)")
        }
        guard let object = value.objectValue else {
            throw TokenizerError.invalidJSON(file: file, reason: "the top level is not an object")
        }
        return JSONObject(object, file: file)
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// True when the key is absent or JSON null: tokenizer.json writes `null` for absent parts.
    func isNull(_ key: String) -> Bool { fields[key]?.isNull ?? true }

    func has(_ key: String) -> Bool { !isNull(key) }

    private func required(_ key: String) throws -> JSONValue {
        guard let value = fields[key], !value.isNull else {
            throw TokenizerError.missingField(file: file, field: field(key))
        }
        return value
    }

    private func wrongType(_ key: String, _ expected: String) -> TokenizerError {
        TokenizerError.wrongType(file: file, field: field(key), expected: expected)
    }

    func string(_ key: String) throws -> String {
        guard let value = try required(key).stringValue else { throw wrongType(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        isNull(key) ? nil : try string(key)
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        if isNull(key) { return fallback }
        guard let value = fields[key]?.boolValue else { throw wrongType(key, "true or false") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = try required(key).serdeInteger else { throw wrongType(key, "an integer") }
        return value
    }

    func optionalInt(_ key: String) throws -> Int? {
        isNull(key) ? nil : try int(key)
    }

    func double(_ key: String) throws -> Double {
        guard let value = try required(key).serdeDouble else { throw wrongType(key, "a number") }
        return value
    }

    func object(_ key: String) throws -> JSONObject {
        guard let value = try required(key).objectValue else { throw wrongType(key, "an object") }
        return JSONObject(value, file: file, path: field(key))
    }

    func optionalObject(_ key: String) throws -> JSONObject? {
        isNull(key) ? nil : try object(key)
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard let value = try required(key).arrayValue else { throw wrongType(key, "an array") }
        return value
    }

    /// The elements of an array of objects, each carrying its `key[i]` path.
    func objects(_ key: String) throws -> [JSONObject] {
        try array(key).enumerated().map { index, element in
            guard let object = element.objectValue else { throw wrongType("\(key)[\(index)]", "an object") }
            return JSONObject(object, file: file, path: "\(field(key))[\(index)]")
        }
    }

    /// A field that is a single character (Metaspace replacement, Strip content).
    func character(_ key: String) throws -> Unicode.Scalar {
        let text = try string(key)
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            throw invalid(key, "expected exactly one character, got \"\(text)\"")
        }
        return scalar
    }

    func invalid(_ key: String, _ reason: String) -> TokenizerError {
        TokenizerError.invalidValue(file: file, field: field(key), reason: reason)
    }

    func unsupported(_ key: String, type: String, supported: [String]) -> TokenizerError {
        TokenizerError.unsupportedComponent(file: file, field: field(key), type: type, supported: supported)
    }
}
