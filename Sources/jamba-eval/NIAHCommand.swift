import ArgumentParser
import JambaData

extension DataCommand {
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
}
