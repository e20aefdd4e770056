import ArgumentParser
import Foundation
import JambaCheckpoint
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

    @Option(help: "Dtype of the weights written: f32, bf16 or f16 (BF16 and F16 rounded to nearest even from the Float32 draw).")
    var dtype: String = "f32"

    @Flag(help: "Replace config.json and model.safetensors when --out already holds them.")
    var force = false

    /// --dtype as a safetensors dtype.
    static func parseDType(_ text: String) -> DType? {
        switch text.lowercased() {
        case "f32", "float32": return .f32
        case "bf16", "bfloat16": return .bf16
        case "f16", "float16": return .f16
        default: return nil
        }
    }

    func validate() throws {
        if Self.parseDType(dtype) == nil { throw ValidationError("--dtype must be f32, bf16 or f16, got '\(dtype)'") }
    }

    func run() throws {
        // Checked up front: FileManager's own errors for these read as raw NSCocoaErrorDomain codes.
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw ValidationError("--out \(out) is a file; give a folder to write config.json and model.safetensors into") }
            let existing = ["config.json", "model.safetensors"].filter { fm.fileExists(atPath: URL(fileURLWithPath: out).appendingPathComponent($0).path) }
            if !existing.isEmpty && !force {
                throw ValidationError("--out \(out) already holds \(existing.joined(separator: " and ")); pass --force to replace them")
            }
        }
        let c = try ModelConfiguration.load(from: URL(fileURLWithPath: config))
        // Written one tensor at a time, so memory is not the limit (a 52B model writes on a laptop);
        // the disk is, and a full disk is found before the first byte rather than after hours.
        let dt = Self.parseDType(dtype)!
        let (matrices, other) = try c.weightElements(file: config)
        let fileBytes = (matrices + other) * dt.byteSize
        let parent = fm.fileExists(atPath: out) ? out : URL(fileURLWithPath: out).deletingLastPathComponent().path
        if let free = (try? fm.attributesOfFileSystem(forPath: parent.isEmpty ? "." : parent))?[.systemFreeSize] as? NSNumber,
           fileBytes > free.intValue {
            throw ValidationError("--out \(out): the weights take \(MemoryPlan.gib(fileBytes)) in \(dt.rawValue) but the disk has \(MemoryPlan.gib(free.intValue)) free; "
                                  + (dt == .f32 ? "--dtype bf16 halves them, or " : "") + "write to another disk")
        }
        do { try RandomWeights(config: c, seed: seed).write(to: URL(fileURLWithPath: out), dtype: dt) } catch let e as CheckpointError {
            throw e
        } catch {
            throw ValidationError("--out \(out): cannot write: \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
        print("wrote \(out) (seed \(seed), \(Self.parseDType(dtype)!.rawValue))")
    }
}
