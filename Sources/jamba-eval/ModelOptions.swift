import ArgumentParser
import Foundation
import JambaKernels
import JambaModels

/// How every command names a model: a Hugging Face folder, or a config.json with seeded random
/// weights (throughput needs no trained weights).
struct ModelOptions: ParsableArguments {
    @Argument(help: "A checkpoint folder (config.json + safetensors), or a config.json for random weights.")
    var model: String

    @Option(help: "Seed for random weights when MODEL is a config file.")
    var seed: UInt64 = 0

    @Option(help: "Threads for OpenBLAS and the engine's kernels.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func load() throws -> DecoderModel {
        BLAS.setThreads(threads)
        return try DecoderModel.load(path: URL(fileURLWithPath: model), seed: seed)
    }
}

/// Token ids given inline ("1,2,3") or as a JSON file holding a list of lists.
struct IdsOptions: ParsableArguments {
    @Option(help: "Comma-separated token ids of one sequence.")
    var ids: String?

    @Option(help: "A JSON file holding a list of token-id lists (one per sequence).")
    var idsFile: String?

    func sequences() throws -> [[Int]] {
        if let ids {
            let parts = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let values = parts.compactMap { Int($0) }
            guard !parts.isEmpty, values.count == parts.count else {
                throw ValidationError("--ids: expected comma-separated integers, got '\(ids)'")
            }
            return [values]
        }
        if let idsFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: idsFile)) } catch {
                throw ValidationError("\(idsFile): \(error.localizedDescription)")
            }
            guard let lists = try? JSONDecoder().decode([[Int]].self, from: data) else {
                throw ValidationError("\(idsFile): expected a JSON list of lists of integers")
            }
            guard !lists.isEmpty, lists.allSatisfy({ !$0.isEmpty }) else {
                throw ValidationError("\(idsFile): every sequence needs at least one token")
            }
            return lists
        }
        throw ValidationError("give --ids or --ids-file")
    }
}
