import ArgumentParser
import Foundation
import JambaData
import JambaEval
import JambaKernels
import JambaModels

/// How every command names a model: a Hugging Face folder, or a config.json with seeded random
/// weights (throughput needs no trained weights).
struct ModelOptions: ParsableArguments {
    @Argument(help: "A checkpoint folder (config.json + safetensors), or a config.json for random weights.")
    var model: String

    @Option(help: "Seed for random weights when MODEL is a config file.")
    var seed: UInt64 = 0

    /// Loads the model after checking that it and a run of `shape` fit in the memory available
    /// (MemoryPlan); prints its warnings (config keys no architecture reads, tensors no layer reads).
    func load(shape: MemoryPlan.Shape = .weightsOnly) throws -> DecoderModel {
        let m = try DecoderModel.load(path: URL(fileURLWithPath: model), seed: seed, shape: shape)
        for w in m.warnings { FileHandle.standardError.write(Data("\(w)\n".utf8)) }
        return m
    }
}

/// Token ids given inline ("1,2,3") or as a JSON file holding a list of lists.
struct IdsOptions: ParsableArguments {
    @Option(help: "Comma-separated token ids of one sequence.")
    var ids: String?

    @Option(help: "A JSON file holding a list of token-id lists (one per sequence).")
    var idsFile: String?

    func validate() throws {
        // Both given used to read --ids and ignore the file without a word.
        if ids != nil && idsFile != nil { throw ValidationError("give --ids or --ids-file, not both") }
    }

    func sequences() throws -> [[Int]] {
        if let ids { return [try IntegerList.parse(ids, option: "--ids")] }
        if let idsFile {
            let data = try readInputFile(idsFile, option: "--ids-file")
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

/// The bytes of a file a user named, with plain messages for a missing file, a folder or a
/// FIFO (Foundation's own read as raw NSCocoaErrorDomain codes, and a FIFO would block).
func readInputFile(_ path: String, option: String) throws -> Data {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ValidationError("\(option) \(path): no such file") }
    if isFolder.boolValue { throw ValidationError("\(option) \(path): is a folder, not a file") }
    if let kind = InputFile.notRegular(path) { throw ValidationError("\(option) \(path): is \(kind), not a regular file") }
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ValidationError("\(option) \(path): cannot read: \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
    }
}
