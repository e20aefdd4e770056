import ArgumentParser

@main
struct JambaEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jamba-eval",
        abstract: "Run and evaluate Jamba-architecture language models on the CPU.",
        subcommands: [InspectCommand.self, ForwardCommand.self, InitCommand.self, BenchCommand.self, GenerateCommand.self, GateCommand.self, GenCommand.self, DataCommand.self, TokenizeCommand.self, ValidateCommand.self, RunCommand.self, ClaimsCommand.self])
}
