import Foundation

/// A tokenizer read from a Hugging Face tokenizer.json (and tokenizer_config.json).
///
/// `encode` runs the pipeline of `tokenizers`' `encode_single_sequence`:
///  1. cut out added tokens whose `normalized` flag is false, in the raw text;
///  2. normalize each remaining stretch, then cut out the `normalized` added tokens;
///  3. pre-tokenize the stretches into words;
///  4. run the model on each word;
///  5. with `addSpecialTokens`, let the post-processor (or tokenizer_config.json) add BOS / EOS.
public final class PretrainedTokenizer: Tokenizer {
    let model: TokenizerModel
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder?
    let addedVocabulary: AddedVocabulary
    /// Spelling of each id: added tokens override the model's.
    let idToToken: [String?]
    let tokenToId: [String: Int]

    /// Real vocabularies stay far below this (the largest are a few hundred thousand tokens).
    static let maximumTokenId = 1 << 24

    public let vocabularySize: Int
    public let bosTokenId: Int?
    public let eosTokenId: Int?

    /// Reads `folder/tokenizer.json` and, if present, `folder/tokenizer_config.json`.
    public convenience init(folder: URL) throws {
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        let configURL = folder.appendingPathComponent(TokenizerConfig.fileName)
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw TokenizerError.unreadable(path: folder.path, reason: "is a file; give the folder that holds tokenizer.json")
        }
        guard fileManager.fileExists(atPath: tokenizerURL.path) else {
            throw TokenizerError.fileNotFound(path: tokenizerURL.path)
        }
        // Errors inside the files name them by their bare names; a suite may load several
        // tokenizers, so they are reported with the folder.
        do {
            let config = fileManager.fileExists(atPath: configURL.path) ? try Self.read(configURL) : nil
            try self.init(tokenizerJSON: try Self.read(tokenizerURL), configJSON: config)
        } catch let e as TokenizerError {
            throw e.located(in: folder)
        }
    }

    /// Builds a tokenizer from the contents of tokenizer.json and tokenizer_config.json.
    public init(tokenizerJSON: Data, configJSON: Data? = nil) throws {
        let json = try JSONObject.parse(tokenizerJSON, file: "tokenizer.json")
        let config = try configJSON.map { try TokenizerConfig(data: $0) } ?? TokenizerConfig()

        var vocab: [String: Int] = [:]
        model = try TokenizerModel.load(json, vocab: &vocab)
        normalizer = try Normalizer.load(json, key: "normalizer")
        preTokenizer = try PreTokenizer.load(json, key: "pre_tokenizer")
        decoder = try TokenDecoder.load(json, key: "decoder")
        addedVocabulary = try AddedVocabulary(json: json, normalizer: normalizer)

        var tokenToId = vocab
        for token in addedVocabulary.tokens { tokenToId[token.content] = token.id }
        let maxId = max(vocab.values.max() ?? -1, addedVocabulary.tokens.map(\.id).max() ?? -1)
        // The id → token table is dense; an id far past any real vocabulary (a corrupt file)
        // would make it huge, so refuse rather than allocate gigabytes.
        guard maxId < PretrainedTokenizer.maximumTokenId else {
            throw TokenizerError.invalidValue(file: "tokenizer.json", field: "model.vocab",
                                              reason: "token id \(maxId) is not below \(PretrainedTokenizer.maximumTokenId)")
        }
        var idToToken = [String?](repeating: nil, count: maxId + 1)
        for (token, id) in vocab { idToToken[id] = token }
        for token in addedVocabulary.tokens { idToToken[token.id] = token.spelling }
        self.idToToken = idToToken
        self.tokenToId = tokenToId
        vocabularySize = maxId + 1

        func id(of name: String?, field: String) throws -> Int? {
            guard let name else { return nil }
            guard let id = tokenToId[name] else {
                throw TokenizerError.tokenNotInVocabulary(file: TokenizerConfig.fileName, field: field, token: name)
            }
            return id
        }
        let configBos = try id(of: config.bosToken, field: "bos_token")
        let configEos = try id(of: config.eosToken, field: "eos_token")

        let fileProcessor = try PostProcessor.load(json, key: "post_processor")
        if config.addBosToken != nil || config.addEosToken != nil {
            // transformers' Llama-family tokenizers rebuild the template from these flags.
            var items: [PostProcessor.Item] = []
            if config.addBosToken == true {
                guard let bos = configBos else {
                    throw TokenizerError.missingField(file: TokenizerConfig.fileName, field: "bos_token")
                }
                items.append(.special([bos]))
            }
            items.append(.sequence)
            if config.addEosToken == true {
                guard let eos = configEos else {
                    throw TokenizerError.missingField(file: TokenizerConfig.fileName, field: "eos_token")
                }
                items.append(.special([eos]))
            }
            postProcessor = .template(items)
        } else {
            postProcessor = fileProcessor
        }
        bosTokenId = configBos ?? fileProcessor?.leadingSpecial
        eosTokenId = configEos
    }

    private static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            var isFolder: ObjCBool = false
            let folder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
            throw TokenizerError.unreadable(path: url.path, reason: folder ? "is a folder, not a file" : error.localizedDescription)
        }
    }

    // MARK: Tokenizer

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        var ids = encodeWithoutSpecials(text)
        if addSpecialTokens, let postProcessor { ids = postProcessor.apply(ids) }
        return ids
    }

    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard id >= 0 && id < idToToken.count, let token = idToToken[id] else { continue }
            if skipSpecialTokens && addedVocabulary.specialContents.contains(token) { continue }
            tokens.append(token)
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decode(tokens)
    }

    public func tokenId(for token: String) -> Int? { tokenToId[token] }

    public func token(for id: Int) -> String? {
        id >= 0 && id < idToToken.count ? idToToken[id] : nil
    }

    // MARK: Pipeline

    func encodeWithoutSpecials(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        var pieces = PieceList(bytes: bytes, pieces: [.init(start: 0, end: bytes.count, tokenId: -1, atStart: true)])
        pieces = addedVocabulary.extract(pieces, normalized: false)
        if let normalizer {
            pieces = pieces.rewritten { text, atStart, out, pieces in
                let normalized = normalizer.apply(Array(text))
                pieces.append(.init(start: out.count, end: out.count + normalized.count, tokenId: -1, atStart: atStart))
                out += normalized
            }
        }
        pieces = addedVocabulary.extract(pieces, normalized: true)
        if let preTokenizer { pieces = preTokenizer.apply(pieces) }

        var ids: [Int] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        var scratch = BPEScratch()
        pieces.bytes.withUnsafeBufferPointer { buffer in
            for piece in pieces.pieces {
                if piece.isToken {
                    ids.append(Int(piece.tokenId))
                } else {
                    model.tokenize(UnsafeBufferPointer(rebasing: buffer[piece.start..<piece.end]),
                                   into: &ids, scratch: &scratch)
                }
            }
        }
        return ids
    }
}
