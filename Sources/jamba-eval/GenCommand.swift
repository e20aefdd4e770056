import ArgumentParser

/// `jamba-eval gen TASK …`: the generators under the name issue 5 gives them (the same commands
/// as `jamba-eval data niah|kv-recall|variable-tracking`).
struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate a task dataset (.jsonl.zst): niah, kv-recall or variable-tracking.",
        subcommands: [DataCommand.NIAHCommand.self, DataCommand.KVRecallCommand.self, DataCommand.VariableTrackingCommand.self])
}
