import ArgumentParser
import Foundation
import JambaCheckpoint
import JambaModels

struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run one forward pass and write float32 logits as .npy [sequences, positions, vocab].",
        discussion: "Shorter sequences are padded with NaN. With --last-only, positions is 1.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var input: IdsOptions
    @OptionGroup var engine: EngineOptionGroup

    @Option(help: "Output .npy file.")
    var out: String

    @Flag(help: "Logits of each sequence's last position only.")
    var lastOnly = false

    func validate() throws {
        if engine.chunk != nil { throw ValidationError("--chunk: forward reads every sequence in one forward call") }
    }

    func run() throws {
        let sequences = try input.sequences()
        // One forward over every row: the whole batch is the chunk.
        var options = engine.options()
        options.prefillChunk = sequences.reduce(0) { $0 + $1.count }
        options.maxBatch = sequences.count
        let m = try model.load(shape: .init(sequences: sequences.count, context: sequences.map(\.count).max()!,
                                            chunk: options.prefillChunk, threads: options.threads))
        let engine = Engine(model: m, options: options)
        let logits = try engine.forward(sequences: sequences, logits: lastOnly ? .last : .all)
        let v = m.config.vocabSize
        let positions = lastOnly ? 1 : sequences.map(\.count).max()!
        var values = [Float](repeating: .nan, count: sequences.count * positions * v)
        var row = 0
        for (s, seq) in sequences.enumerated() {
            for t in 0..<(lastOnly ? 1 : seq.count) {
                let dst = (s * positions + t) * v
                values.replaceSubrange(dst..<(dst + v), with: logits.row(row))
                row += 1
            }
        }
        try NPYWriter.write(values, shape: [sequences.count, positions, v], to: URL(fileURLWithPath: out))
        print("wrote \(out): [\(sequences.count), \(positions), \(v)]")
        self.engine.printProfile(engine.context)
    }
}
