import ArgumentParser
import JambaEval

extension DataCommand {
    /// The grid every generator walks, and where it writes.
    struct GridOptions: ParsableArguments {
        @Option(help: "Context lengths in tokens, comma-separated (e.g. 1024,4096,16384).")
        var lengths: String = "4096"

        @Option(help: "Samples per length (and per depth).")
        var samples: Int = 1

        @Option(help: "Seed: the same command writes a byte-identical file.")
        var seed: UInt64 = 0

        @Option(help: "Output file (.jsonl.zst compressed, .jsonl plain).")
        var out: String

        @Option(help: "zstd level (1-22); 19 suits small committed datasets, lower levels write big suites faster.")
        var level: Int = 9

        func parsedLengths() throws -> [Int] {
            try IntegerList.parse(lengths, option: "--lengths", range: Limits.contextTokens)
        }

        func validate() throws {
            guard (1...1_000_000).contains(samples) else { throw ValidationError("--samples must be in 1…1000000, got \(samples)") }
            guard (1...22).contains(level) else { throw ValidationError("--level must be 1…22") }
        }
    }
}
