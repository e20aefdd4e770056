import ArgumentParser
import JambaData
import JambaEval
import JambaReport

extension DataCommand {
    struct ReaderBenchCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Time the reader's stages (decompress, split, decode) on one file, single-threaded.")

        @Argument(help: "A .jsonl.zst or .jsonl file (e.g. ~200 MB uncompressed).")
        var file: String

        @Option(help: "Repeats per stage; the fastest is reported.")
        var repeats: Int = 3

        func validate() throws {
            if let p = Limits.problem(repeats, Limits.repeats) { throw ValidationError("--repeats \(p)") }
        }

        func run() throws {
            let b = try ReaderBenchmark.run(path: file, repeats: repeats)
            print("reader benchmark: \(file) (best of \(repeats))")
            print(b.markdown())
        }
    }
}
