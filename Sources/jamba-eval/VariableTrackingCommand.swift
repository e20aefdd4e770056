import ArgumentParser
import JambaData

extension DataCommand {
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
}
