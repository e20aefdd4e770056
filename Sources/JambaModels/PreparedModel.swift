import Foundation
import JambaCheckpoint
import JambaSupport

/// A model ready to load, with nothing allocated yet: config.json read (keys no architecture reads
/// become warnings), a checkpoint's headers opened or seeded random weights chosen, and the memory
/// of the weights and of a run of `shape` planned and checked against what is available
/// (MemoryPlan), so a run that cannot fit stops before it starts. `load` builds the DecoderModel;
/// `validate` stops here. The one loader: `DecoderModel.load`, the suite runner's `LoadedModel` and
/// the claims probe all come through it.
public struct PreparedModel {
    public let config: ModelConfiguration
    /// The plan that was checked.
    public let memoryPlan: MemoryPlan
    /// config.json keys no architecture reads.
    public let warnings: [String]
    /// The checkpoint (headers read, data mapped on load), or the random weights.
    public let source: TensorSource

    /// A checkpoint folder, or a config.json file that gets seeded random weights.
    public init(path: URL, seed: UInt64, shape: MemoryPlan.Shape = .weightsOnly, available: AvailableMemory? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw ModelError.configUnreadable(file: path.path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            try self.init(folder: path, shape: shape, available: available)
        } else {
            try self.init(config: path, seed: seed, shape: shape, available: available)
        }
    }

    /// A config.json with seeded random weights (RandomWeights, Float32 in memory).
    public init(config file: URL, seed: UInt64, shape: MemoryPlan.Shape = .weightsOnly, available: AvailableMemory? = nil) throws {
        let (config, warnings) = try ModelConfiguration.loadReportingKeys(from: file)
        try self.init(config, warnings: warnings, source: RandomWeights(config: config, seed: seed), planFile: file.path,
                      checkFile: file.path, matrixElementBytes: 4, weights: "float32 random weights", shape: shape, available: available)
    }

    /// config.json and the safetensors of a Hugging Face folder (headers read and checked; BF16
    /// and F16 matrices are planned, and later read, as stored).
    public init(folder: URL, shape: MemoryPlan.Shape = .weightsOnly, available: AvailableMemory? = nil) throws {
        let file = folder.appendingPathComponent("config.json")
        let (config, warnings) = try ModelConfiguration.loadReportingKeys(from: file)
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(folder: folder) } catch let e as CheckpointError { throw ModelError.checkpoint(e) }
        let stored = checkpoint.dtypes.first ?? .f32
        let half = stored == .bf16 || stored == .f16
        try self.init(config, warnings: warnings, source: checkpoint, planFile: file.path, checkFile: folder.path,
                      matrixElementBytes: half ? 2 : 4, weights: half ? "\(stored.rawValue) as stored" : "float32",
                      shape: shape, available: available)
    }

    private init(_ config: ModelConfiguration, warnings: [String], source: TensorSource, planFile: String, checkFile: String,
                 matrixElementBytes: Int, weights: String, shape: MemoryPlan.Shape, available: AvailableMemory?) throws {
        memoryPlan = try DecoderModel.plan(config, file: planFile, matrixElementBytes: matrixElementBytes, weights: weights, shape: shape)
        try memoryPlan.check(available ?? .current(), file: checkFile, notes: warnings)
        self.config = config
        self.warnings = warnings
        self.source = source
    }

    /// The weights resolved into typed layers. The model's warnings are the config's, then the
    /// checkpoint's tensors no layer read.
    public func load() throws -> DecoderModel {
        let model = try DecoderModel(config: config, source: source)
        model.warnings = warnings
        if let w = (source as? Checkpoint)?.unreadTensorWarning { model.warnings.append(w) }
        return model
    }
}
