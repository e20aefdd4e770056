import ArgumentParser
import Foundation
import JambaModels

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write seeded random weights for a config as a Hugging Face folder (config.json + model.safetensors).")

    @Option(help: "The config.json to instantiate.")
    var config: String

    @Option(help: "Seed: the same seed writes the same weights.")
    var seed: UInt64 = 0

    @Option(help: "Output folder.")
    var out: String

    func run() throws {
        let c = try ModelConfiguration.load(from: URL(fileURLWithPath: config))
        try RandomWeights(config: c, seed: seed).write(to: URL(fileURLWithPath: out))
        print("wrote \(out) (seed \(seed))")
    }
}
