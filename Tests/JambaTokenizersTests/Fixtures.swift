import Foundation
import XCTest
@testable import JambaTokenizers

/// Locates Tests/Fixtures/tokenizers from this file's path: the package does not copy resources.
enum Fixtures {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" && url.path != "/" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/tokenizers")
    }()

    /// Every fixture tokenizer made by tools/reference/tokenizers/make_fixtures.py.
    static let names = ["sp_bpe_legacy", "sp_bpe_metaspace", "gpt2_bytelevel", "llama3_bytelevel_split",
                        "wordlevel", "unigram"]

    static func folder(_ name: String) -> URL { root.appendingPathComponent(name) }

    struct Case: Decodable {
        let text: String
        let ids: [Int]
        let ids_plain: [Int]
        let decoded: String
        let decoded_skip_special: String
    }

    struct Decode: Decodable {
        let ids: [Int]
        let text: String
        let text_skip_special: String
    }

    struct Expected: Decodable {
        let tokenizers_version: String
        let vocab_size: Int
        let cases: [Case]
        let decodes: [Decode]
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    static func tokenizer(_ name: String) throws -> PretrainedTokenizer {
        try PretrainedTokenizer(folder: folder(name))
    }

    static func tokenizerJSON(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("tokenizer.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }
}

/// A readable form of a string with control and invisible characters escaped, for messages.
func visible(_ text: String) -> String {
    text.unicodeScalars.map { scalar -> String in
        switch scalar.value {
        case 0x20..<0x7F, 0xA1...0xD7FF, 0xE000...0xFFFC, 0x10000...: return String(scalar)
        default: return String(format: "\\u{%X}", scalar.value)
        }
    }.joined()
}
