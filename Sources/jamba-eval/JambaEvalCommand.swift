import ArgumentParser
import JambaKernels

@main
struct JambaEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jamba-eval",
        abstract: "Run and evaluate Jamba-architecture language models on the CPU.",
        subcommands: [
            InspectCommand.self,
            ForwardCommand.self,
            InitCommand.self,
            BenchCommand.self,
            GenerateCommand.self,
            GateCommand.self,
            DataCommand.self,
            TokenizeCommand.self,
            ValidateCommand.self,
            RunCommand.self,
            MergeCommand.self,
            ClaimsCommand.self,
        ])

    /// OpenBLAS chose its kernels when it loaded: before anything else, re-execute with better
    /// ones when it fell back below what this CPU runs (CoreChoice), then parse and run.
    static func main() {
        CoreChoice.reexecIfNeeded()
        main(nil)
    }
}
