import JambaJSON

/// The `post_processor` of tokenizer.json, reduced to what it does to the ids of one sequence
/// when special tokens are requested: put BOS / EOS / CLS / SEP around them.
indirect enum PostProcessor: Sendable {
    enum Item: Sendable {
        case special([Int])
        case sequence
    }

    /// TemplateProcessing's `single` template.
    case template([Item])
    /// `[CLS] A [SEP]` (BertProcessing) or `<s> A </s>` (RobertaProcessing).
    case surround(first: Int, last: Int)
    /// ByteLevel only adjusts offsets, which are not computed here.
    case none
    case sequence([PostProcessor])

    static let supported = ["TemplateProcessing", "BertProcessing", "RobertaProcessing",
                            "ByteLevel", "Sequence"]

    static func load(_ json: JSONObject, key: String) throws -> PostProcessor? {
        guard let object = try json.optionalObject(key) else { return nil }
        return try load(object)
    }

    static func load(_ json: JSONObject) throws -> PostProcessor {
        let type = try json.string("type")
        switch type {
        case "TemplateProcessing":
            let specials = try json.object("special_tokens")
            var items: [Item] = []
            for entry in try json.objects("single") {
                if let special = try entry.optionalObject("SpecialToken") {
                    let name = try special.string("id")
                    guard let definition = try specials.optionalObject(name) else {
                        throw json.invalid("special_tokens", "the template names \"\(name)\", which is not defined here")
                    }
                    let ids = try definition.array("ids").enumerated().map { index, value -> Int in
                        guard let id = value.serdeInteger, id >= 0 else {
                            throw definition.invalid("ids[\(index)]", "expected a token id")
                        }
                        return id
                    }
                    items.append(.special(ids))
                } else if entry.has("Sequence") {
                    items.append(.sequence)
                } else {
                    throw json.invalid("single", "expected SpecialToken or Sequence items")
                }
            }
            return .template(items)
        case "BertProcessing", "RobertaProcessing":
            return .surround(first: try tokenId(json, "cls"), last: try tokenId(json, "sep"))
        case "ByteLevel":
            return .none
        case "Sequence":
            return .sequence(try json.objects("processors").map(load))
        default:
            throw json.unsupported("type", type: type, supported: supported)
        }
    }

    /// `"cls": ["[CLS]", 101]`.
    private static func tokenId(_ json: JSONObject, _ key: String) throws -> Int {
        let pair = try json.array(key)
        guard pair.count == 2, let id = pair[1].serdeInteger else {
            throw json.invalid(key, "expected [token, id]")
        }
        return id
    }

    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case .template(let items):
            var out: [Int] = []
            out.reserveCapacity(ids.count + items.count)
            for item in items {
                switch item {
                case .special(let special): out += special
                case .sequence: out += ids
                }
            }
            return out
        case .surround(let first, let last):
            return [first] + ids + [last]
        case .none:
            return ids
        case .sequence(let steps):
            return steps.reduce(ids) { $1.apply($0) }
        }
    }

    /// The first special token the template puts before the text, if any (a BOS fallback).
    var leadingSpecial: Int? {
        switch self {
        case .template(let items):
            if case .special(let ids)? = items.first { return ids.first }
            return nil
        case .surround(let first, _): return first
        case .none: return nil
        case .sequence(let steps): return steps.lazy.compactMap(\.leadingSpecial).first
        }
    }
}
