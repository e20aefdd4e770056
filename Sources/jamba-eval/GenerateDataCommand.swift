import ArgumentParser
import Foundation
import JambaData
import JambaEval
import JambaTokenizers

/// `jamba-eval data …` (also `gen …`, the name issue 5 gave the generators): make task datasets
/// (niah, kv-recall, variable-tracking) and look inside task files (cat, stats, bench). Thin: the
/// generators, reader and writer live in JambaData.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate task datasets (.jsonl.zst) and read task files.",
        subcommands: [
            NIAHCommand.self, KVRecallCommand.self, VariableTrackingCommand.self,
            CatCommand.self, StatsCommand.self, ReaderBenchCommand.self,
        ],
        aliases: ["gen"])
}

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

    struct NIAHCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "niah",
            abstract: "Needle in a haystack (RULER's niah family), sized in tokens, a record per length × depth × sample.")

        @OptionGroup var grid: GridOptions
        @OptionGroup var counter: CounterOptions

        @Option(help: "single, multikey, multivalue or multiquery.")
        var variant: String = "single"

        @Option(help: "noise, essay or needles.")
        var haystack: String = "noise"

        @Option(help: "Needle values: number (7 digits) or uuid.")
        var values: String = "number"

        @Option(help: "Needle depths in percent: START:END:COUNT or a list.")
        var depths: String = "0:100:11"

        @Option(help: "multikey: needles in all, the queried one included.")
        var keys: Int = 4

        @Option(help: "multivalue: values under the key.")
        var valueCount: Int = 4

        @Option(help: "multiquery: keys asked at once.")
        var queries: Int = 4

        @Option(help: "Tokens reserved for the answer (default: enough for the values).")
        var maxNewTokens: Int?

        @Option(help: "The records' task name (default niah_<variant>).")
        var task: String?

        func run() throws {
            guard let v = NIAHVariant(rawValue: variant) else { throw ValidationError("--variant: one of \(NIAHVariant.allCases.map(\.rawValue))") }
            guard let h = HaystackKind(rawValue: haystack) else { throw ValidationError("--haystack: one of \(HaystackKind.allCases.map(\.rawValue))") }
            guard let k = NeedleValueKind(rawValue: values) else { throw ValidationError("--values: one of \(NeedleValueKind.allCases.map(\.rawValue))") }
            let config = NIAHConfiguration(variant: v, haystack: h, valueKind: k, keys: keys, values: valueCount,
                                           queries: queries, maxNewTokens: maxNewTokens, taskName: task)
            let generator = try NIAHGenerator(configuration: config, counter: counter.make())
            let seed = grid.seed
            let summary = try DatasetGenerator.write(
                to: grid.out, level: grid.level, lengths: grid.parsedLengths(),
                depths: DepthGrid.parse(depths), samples: grid.samples
            ) { length, depth, sample in
                try generator.record(length: length, depth: depth ?? 0, sample: sample, seed: seed)
            }
            print(summary)
        }
    }

    struct KVRecallCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kv-recall",
            abstract: "Multi-query associative recall (Zoology's MQAR) over token ids, scored by positions.")

        @OptionGroup var grid: GridOptions

        @Option(help: "Ids used: first-id ..< first-id + vocabulary; keys from the lower half, values from the upper.")
        var vocabulary: Int = 8192

        @Option(help: "First id of the range (the filler token); raise it past a tokenizer's special tokens.")
        var firstId: Int = 0

        @Option(help: "Key-value pairs per sequence.")
        var pairs: Int = 64

        @Option(help: "Keys queried (default: all pairs).")
        var queries: Int?

        @Option(help: "The records' task name.")
        var task: String?

        @Option(help: ArgumentHelp(
            "Needle layout: the pairs block at each of these depths (percent: START:END:COUNT or a list) of a filler haystack, the queries at the end.",
            discussion: "A needle-in-a-haystack over token ids: with --pairs 1 a single needle, with more pairs the queried key among distractors. Records carry their depth, so the report draws a heatmap."))
        var depths: String?

        func run() throws {
            let generator = KVRecallGenerator(configuration: KVRecallConfiguration(
                vocabulary: vocabulary, firstId: firstId, pairs: pairs, queries: queries, taskName: task))
            let seed = grid.seed
            let depthList: [Double?] = try depths.map { try DepthGrid.parse($0) } ?? [nil]
            let summary = try DatasetGenerator.write(
                to: grid.out, level: grid.level, lengths: grid.parsedLengths(), depths: depthList, samples: grid.samples
            ) { length, depth, sample in
                if let depth { return try generator.needleRecord(length: length, depth: depth, sample: sample, seed: seed) }
                return try generator.record(length: length, sample: sample, seed: seed)
            }
            print(summary)
        }
    }

    struct VariableTrackingCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "variable-tracking",
            abstract: "Variable tracking (RULER's vt): chains of VAR X = 12345, VAR Y = VAR X, … in a haystack.")

        @OptionGroup var grid: GridOptions
        @OptionGroup var counter: CounterOptions

        @Option(help: "Chains of assignments.")
        var chains: Int = 1

        @Option(help: "Copies per chain after the first assignment.")
        var hops: Int = 4

        @Option(help: "noise or essay.")
        var haystack: String = "noise"

        @Option(help: "Tokens reserved for the answer.")
        var maxNewTokens: Int?

        @Option(help: "The records' task name.")
        var task: String?

        func run() throws {
            guard let h = HaystackKind(rawValue: haystack) else { throw ValidationError("--haystack: noise or essay") }
            let generator = try VariableTrackingGenerator(
                configuration: VariableTrackingConfiguration(chains: chains, hops: hops, haystack: h,
                                                             maxNewTokens: maxNewTokens, taskName: task),
                counter: counter.make())
            let seed = grid.seed
            let summary = try DatasetGenerator.write(
                to: grid.out, level: grid.level, lengths: grid.parsedLengths(), samples: grid.samples
            ) { length, _, sample in try generator.record(length: length, sample: sample, seed: seed) }
            print(summary)
        }
    }

    struct CatCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cat",
            abstract: "Stream a task file and print its records as JSON lines (as the reader sees them).")

        @Argument(help: "A .jsonl.zst or .jsonl file.")
        var file: String

        @Option(help: "Stop after this many records.")
        var limit: Int?

        @Flag(help: "Print one summary line per record (id, task, length, outputs) instead of the JSON.")
        var brief = false

        @Flag(help: "Skip and count malformed lines instead of stopping at the first.")
        var skipBad = false

        func run() throws {
            let reader = try TaskReader(path: file, options: ReaderOptions(skipMalformedLines: skipBad))
            var n = 0
            while limit.map({ n < $0 }) ?? true, let r = try reader.next() {
                n += 1
                if brief {
                    let size = r.inputIds.map { "\($0.count) ids" } ?? "\(r.input?.utf8.count ?? 0) bytes"
                    print("\(r.id)\t\(r.task ?? "-")\tlength \(r.length.map(String.init) ?? "-")\t\(size)\toutputs \(r.outputs)")
                } else {
                    FileHandle.standardOutput.write(Data(r.jsonLine()))
                }
            }
            if reader.skippedLines > 0 {
                FileHandle.standardError.write(Data("skipped \(reader.skippedLines) malformed lines\n".utf8))
            }
        }
    }

    struct StatsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Stream a task file and print counts: records per task, lengths, bytes, read speed.")

        @Argument(help: "A .jsonl.zst or .jsonl file.")
        var file: String

        @Flag(help: "Skip and count malformed lines instead of stopping at the first.")
        var skipBad = false

        func run() throws {
            let reader = try TaskReader(path: file, options: ReaderOptions(skipMalformedLines: skipBad))
            var perTask: [String: (records: Int, tokens: Int, minLength: Int, maxLength: Int)] = [:]
            let start = ContinuousClock.now
            var records = 0
            try reader.forEach { r in
                records += 1
                let l = r.length ?? 0
                var e = perTask[r.task ?? "-", default: (0, 0, Int.max, 0)]
                e.records += 1; e.tokens += l; e.minLength = min(e.minLength, l); e.maxLength = max(e.maxLength, l)
                perTask[r.task ?? "-"] = e
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            print("| task | records | tokens | min length | max length |")
            print("|---|---|---|---|---|")
            for (task, e) in perTask.sorted(by: { $0.key < $1.key }) {
                print("| \(task) | \(e.records) | \(e.tokens) | \(e.minLength) | \(e.maxLength) |")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("\(records) records, \(reader.bytesRead) bytes of JSONL (\(size) on disk), "
                + "read in \(String(format: "%.3f", seconds)) s (\(String(format: "%.0f", Double(reader.bytesRead) / 1e6 / max(seconds, 1e-9))) MB/s), "
                + "reader buffers \(reader.bufferedBytes) bytes"
                + (reader.skippedLines > 0 ? ", \(reader.skippedLines) malformed lines skipped" : ""))
        }
    }

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
            print(b.table)
        }
    }
}
