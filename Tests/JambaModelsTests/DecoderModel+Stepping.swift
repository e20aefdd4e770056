import JambaKernels
@testable import JambaModels

/// Tests step a model by hand (a chunk, then token by token, against one-shot logits): each call
/// runs one forward through a one-off engine sized to it, the only way into a model.
extension DecoderModel {
    /// One forward of `batch`, each sequence continuing from its state.
    func forward(_ batch: PackedBatch, states: [SequenceState], logits which: LogitRows) throws -> Logits {
        let engine = Engine(model: self, options: EngineOptions(prefillChunk: max(1, batch.rows), maxBatch: max(1, batch.count)))
        return try forward(batch, states: states, logits: which, workspace: engine.workspace, context: engine.context)
    }

    /// Full-sequence forward of independent sequences from fresh states, in one forward.
    func forward(sequences: [[Int]], logits which: LogitRows = .all) throws -> Logits {
        let rows = sequences.reduce(0) { $0 + $1.count }
        return try Engine(model: self, options: EngineOptions(prefillChunk: max(1, rows), maxBatch: max(1, sequences.count)))
            .forward(sequences: sequences, logits: which)
    }
}
