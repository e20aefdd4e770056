import Foundation
import JambaEval

/// One shard's output folder as `jamba-eval merge` reads it, without changing it: shard.json, the
/// samples file of every (model, task) group, and results.json once the shard has finished.
struct ShardFolder {
    struct Group: Hashable { let model: String; let task: String }

    let url: URL
    let manifest: ShardManifest
    /// The samples files present, by group (a killed shard may not have reached some).
    let samples: [Group: SamplesFile.Contents]
    /// The shard's own report; nil until its run has finished.
    let results: RunResults?

    var path: String { url.path }
    var recorded: Int { samples.values.reduce(0) { $0 + $1.samples.count } }

    static func load(_ url: URL) throws -> ShardFolder {
        let manifest: ShardManifest
        do {
            guard let m = try ShardManifest.load(from: url) else {
                throw MergeError.notAShard(folder: url.path, reason: "it has no \(ShardManifest.fileName) (write shards with `jamba-eval run SUITE --shard K/N`)")
            }
            manifest = m
        } catch let e as ShardError {
            throw MergeError.notAShard(folder: url.path, reason: "\(e)")
        }
        var samples: [Group: SamplesFile.Contents] = [:]
        for model in manifest.models {
            for task in manifest.tasks {
                let file = SamplesFile.url(in: url, model: model, task: task)
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                let contents = try SamplesFile.read(file)
                // A file cut short before its header holds nothing yet.
                if contents.completeBytes > 0 { samples[Group(model: model, task: task)] = contents }
            }
        }
        let resultsURL = url.appendingPathComponent("results.json")
        let results = manifest.finished && FileManager.default.fileExists(atPath: resultsURL.path)
            ? try RunResults.load(resultsURL) : nil
        return ShardFolder(url: url, manifest: manifest, samples: samples, results: results)
    }
}
