import ArgumentParser
import Foundation
import JambaTokenizers

/// `jamba-eval tokenize MODEL --text "..."` prints ids; `--decode 1,2,3` prints text. Reads the
/// folder's tokenizer.json (+ tokenizer_config.json); all logic lives in JambaTokenizers.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Encode text to token ids, or decode ids to text, with a model folder's tokenizer.json.")

    @Argument(help: "A model folder holding tokenizer.json (and optionally tokenizer_config.json).")
    var model: String

    @Option(help: "Text to encode.")
    var text: String?

    @Option(help: "A UTF-8 file whose whole contents are encoded.")
    var file: String?

    @Option(help: "Comma-separated token ids to decode instead.")
    var decode: String?

    @Flag(help: "Encode without the BOS/EOS tokens the tokenizer would add.")
    var noSpecialTokens = false

    @Flag(help: "Leave special tokens out of decoded text.")
    var skipSpecialTokens = false

    func validate() throws {
        let given = [text != nil, file != nil, decode != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --text, --file or --decode") }
    }

    func run() throws {
        let tokenizer = try loadTokenizer(from: URL(fileURLWithPath: model))
        if let decode {
            let ids = try IntegerList.parse(decode, option: "--decode")
            if let bad = ids.first(where: { $0 < 0 || $0 >= tokenizer.vocabularySize }) {
                throw ValidationError("--decode: id \(bad) is outside the vocabulary (0..<\(tokenizer.vocabularySize))")
            }
            print(tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens))
            return
        }
        let input: String
        if let file {
            let data = try readInputFile(file, option: "--file")
            guard let contents = String(data: data, encoding: .utf8) else {
                throw ValidationError("\(file): not valid UTF-8")
            }
            input = contents
        } else {
            input = text ?? ""
        }
        let ids = tokenizer.encode(input, addSpecialTokens: !noSpecialTokens)
        print(ids.map(String.init).joined(separator: ","))
    }
}
