import ArgumentParser

/// `jamba-eval data …` (also `gen …`, the name issue 5 gave the generators): make task datasets
/// (niah, kv-recall, variable-tracking) and look inside task files (cat, stats, bench). Thin: the
/// generators, reader and writer live in JambaData. Each subcommand and option group is in the file
/// of its name.
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
