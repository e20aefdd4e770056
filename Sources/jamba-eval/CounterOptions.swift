import ArgumentParser
import Foundation
import JambaData
import JambaTokenizers

extension DataCommand {
    /// How text is measured in tokens.
    struct CounterOptions: ParsableArguments {
        @Option(help: "A model folder whose tokenizer.json sizes the records.")
        var tokenizer: String?

        @Option(help: "Without --tokenizer: 'words' (runs of letters/digits and punctuation) or 'chars' (UTF-8 bytes / 4).")
        var counter: String = "words"

        func make() throws -> TokenCounter {
            if let tokenizer {
                let t = try loadTokenizer(from: URL(fileURLWithPath: tokenizer))
                return ClosureTokenCounter { t.encode($0, addSpecialTokens: false).count }
            }
            switch counter {
            case "words": return WordTokenCounter()
            case "chars": return CharacterTokenCounter()
            default: throw ValidationError("--counter: expected 'words' or 'chars', got '\(counter)'")
            }
        }
    }
}
