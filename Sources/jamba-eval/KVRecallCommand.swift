import ArgumentParser
import JambaData

extension DataCommand {
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
}
