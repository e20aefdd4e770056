import Foundation
import JambaEval

/// `jamba-eval merge`: joins the folders of a suite's shards into the report one machine would have
/// written. It first checks that the shards belong together (same suite, models, data and build:
/// the fingerprints a resume checks) and that every unit is there exactly once, then recomputes
/// every table from the joined samples, so accuracy.csv is byte-identical to an unsharded run's.
public struct ShardMerge {
    public let results: RunResults
    /// The joined samples of each group, sorted by id, with the fingerprint their files carry.
    let joined: [(model: String, task: String, fingerprint: String, samples: [SampleRecord])]
    let folders: [ShardFolder]

    /// Reads and checks the shard folders. An incomplete set (a shard index no folder holds, a
    /// shard that did not finish or has units left) is refused unless `allowPartial`, which
    /// builds the report from what is there and marks it partial. A unit recorded twice, a unit
    /// in the wrong shard and shards of different runs are refused always.
    public static func merge(_ urls: [URL], allowPartial: Bool) throws -> ShardMerge {
        guard !urls.isEmpty else { throw MergeError.noShards }
        let folders = try urls.map(ShardFolder.load).sorted { ($0.manifest.index, $0.path) < ($1.manifest.index, $1.path) }
        try checkSameRun(folders)
        let first = folders[0].manifest
        let count = first.count

        // Each group's plan and samples fingerprint must agree wherever present.
        var groups: [ShardFolder.Group] = []
        for m in first.models { for t in first.tasks { groups.append(.init(model: m, task: t)) } }
        var totals: [ShardFolder.Group: Int] = [:]
        for g in groups {
            var plan: (folder: ShardFolder, group: ShardManifest.Group)?
            var print: (folder: ShardFolder, value: String)?
            for f in folders {
                if let p = f.manifest.group(model: g.model, task: g.task) {
                    if let (other, q) = plan, (p.units, p.unitsDigest) != (q.units, q.unitsDigest) {
                        throw MergeError.mismatch(field: "the units of \(g.model)/\(g.task) (records or their prompt tokens)",
                                                  folder: other.path, value: "\(q.units) units, digest \(q.unitsDigest)",
                                                  otherFolder: f.path, otherValue: "\(p.units) units, digest \(p.unitsDigest)")
                    }
                    plan = plan ?? (f, p)
                }
                if let s = f.samples[g] {
                    if let (other, value) = print, value != s.fingerprint {
                        throw MergeError.mismatch(field: "the fingerprint of \(RunResults.samplesFile(g.model, g.task)) (suite, model or data)",
                                                  folder: other.path, value: value, otherFolder: f.path, otherValue: s.fingerprint)
                    }
                    print = print ?? (f, s.fingerprint)
                }
            }
            if let plan { totals[g] = plan.group.units }
        }

        // Every sample in its own shard, and each unit once.
        var seen: [ShardFolder.Group: [String: String]] = [:]
        var joined: [(model: String, task: String, fingerprint: String, samples: [SampleRecord])] = []
        for g in groups {
            var samples: [SampleRecord] = []
            var fingerprint: String?
            for f in folders {
                guard let s = f.samples[g] else { continue }
                fingerprint = s.fingerprint
                let assigned = Set(f.manifest.group(model: g.model, task: g.task)?.assigned ?? [])
                for sample in s.samples {
                    guard assigned.contains(sample.id) else {
                        throw MergeError.strayUnit(folder: f.path, model: g.model, task: g.task, id: sample.id)
                    }
                    if let where0 = seen[g, default: [:]][sample.id] {
                        throw MergeError.duplicateUnit(model: g.model, task: g.task, id: sample.id, folders: [where0, f.path])
                    }
                    seen[g, default: [:]][sample.id] = f.path
                    samples.append(sample)
                }
            }
            if let fingerprint { joined.append((g.model, g.task, fingerprint, samples.sorted { $0.id < $1.id })) }
        }

        // What is missing, shard by shard.
        var details: [String] = []
        let present = Set(folders.map(\.manifest.index))
        let missingShards = (0..<count).filter { !present.contains($0) }
        for k in missingShards { details.append("shard \(k) of \(count): no folder given holds it") }
        for f in folders {
            let name = "shard \(f.manifest.index) of \(count) (\(f.path))"
            for g in groups {
                guard let plan = f.manifest.group(model: g.model, task: g.task) else {
                    details.append("\(name): \(g.model)/\(g.task) not reached")
                    continue
                }
                let done = f.samples[g]?.samples.count ?? 0
                if done < plan.assigned.count {
                    details.append("\(name): \(plan.assigned.count - done) of \(plan.assigned.count) units of \(g.model)/\(g.task) not run")
                }
            }
            if !f.manifest.finished { details.append("\(name): did not finish") }
        }
        if !details.isEmpty && !allowPartial { throw MergeError.incomplete(details: details) }

        // Models, the probes and the environment come from the shards' own results.json.
        let finished = folders.filter { $0.results != nil }
        guard let source = finished.first(where: \.manifest.throughput) ?? finished.first, let base = source.results else {
            throw MergeError.noFinishedShard(folders: folders.map(\.path))
        }
        for f in finished where f.results!.suite.fingerprint != base.suite.fingerprint {
            throw MergeError.mismatch(field: "the models (suite.fingerprint in results.json)", folder: source.path,
                                      value: base.suite.fingerprint, otherFolder: f.path, otherValue: f.results!.suite.fingerprint)
        }
        var tokenization: [String: TokenizationTime] = [:]
        var peak: [String: Int] = [:]
        for f in finished {
            for t in f.results!.tokenization {
                let key = "\(t.model)\u{0}\(t.task)"
                var sum = tokenization[key] ?? TokenizationTime(model: t.model, task: t.task, tokens: 0, seconds: 0)
                sum.tokens += t.tokens
                sum.seconds += t.seconds
                tokenization[key] = sum
            }
            for m in f.results!.memory { if let p = m.peakRSSBytes { peak[m.model] = max(peak[m.model] ?? 0, p) } }
        }
        let throughput = folders.first(where: \.manifest.throughput)?.results?.throughput

        let recorded = joined.reduce(0) { $0 + $1.samples.count }
        let units = totals.values.reduce(0, +)
        let complete = details.isEmpty
        let sharding = ShardingInfo(
            count: count, merged: true, partial: !complete, units: units, missingUnits: units - recorded,
            missingShards: missingShards, promptTokenImbalance: ShardingInfo.imbalance(folders.map(\.manifest)),
            shards: folders.map { ShardingInfo.Shard($0.manifest, recorded: $0.recorded) })
        let results = try RunResults.build(
            samples: joined.flatMap(\.samples), models: base.models, suite: base.suite, environment: base.environment,
            throughput: throughput, tokenization: Array(tokenization.values), peakResidentBytes: peak, sharding: sharding)
        return ShardMerge(results: results, joined: joined, folders: folders)
    }

    /// The shards must share count, suite, build, models and tasks, and hold distinct indices.
    static func checkSameRun(_ folders: [ShardFolder]) throws {
        let a = folders[0]
        for b in folders.dropFirst() {
            let fields: [(String, String, String)] = [
                ("the shard count", "\(a.manifest.count)", "\(b.manifest.count)"),
                ("the suite", a.manifest.suite, b.manifest.suite),
                ("the suite's models and tasks (suite_fingerprint)", a.manifest.suiteFingerprint, b.manifest.suiteFingerprint),
                ("the jamba-eval version", a.manifest.version, b.manifest.version),
                ("the models", a.manifest.models.joined(separator: ", "), b.manifest.models.joined(separator: ", ")),
                ("the tasks", a.manifest.tasks.joined(separator: ", "), b.manifest.tasks.joined(separator: ", ")),
            ]
            for (field, x, y) in fields where x != y {
                throw MergeError.mismatch(field: field, folder: a.path, value: x, otherFolder: b.path, otherValue: y)
            }
        }
        let byIndex = Dictionary(grouping: folders, by: \.manifest.index)
        if let (index, same) = byIndex.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw MergeError.sameShard(index: index, folders: same.map(\.path))
        }
    }

    /// Writes the report and the joined samples files into `output`, which then reads like the
    /// folder of one unsharded run (a later `jamba-eval run` of the suite into it resumes from
    /// them). A samples file already there must be of the same suite, model and data.
    public func write(to output: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: ShardManifest.url(in: output).path) {
            throw MergeError.badOutput(folder: output.path, reason: "it is a shard's folder (it has \(ShardManifest.fileName))")
        }
        for g in joined {
            let url = SamplesFile.url(in: output, model: g.model, task: g.task)
            if fm.fileExists(atPath: url.path) {
                let there = try SamplesFile.read(url)
                if there.completeBytes > 0 && there.fingerprint != g.fingerprint {
                    throw MergeError.badOutput(folder: output.path, reason: "\(url.path) holds samples of another suite, model or data (fingerprint \(there.fingerprint), the shards' \(g.fingerprint))")
                }
            }
        }
        for g in joined {
            let file = try SamplesFile(url: SamplesFile.url(in: output, model: g.model, task: g.task), fingerprint: g.fingerprint,
                                       model: g.model, task: g.task, fresh: true)
            try file.append(g.samples)
        }
        try RunReport.write(results, to: output)
    }
}
