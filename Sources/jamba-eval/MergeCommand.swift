import ArgumentParser
import Foundation
import JambaReport

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the folders of a sharded run (run --shard K/N) into the report one machine would have written.",
        discussion: """
            Checks that the shards ran the same suite, models, data and jamba-eval build (the \
            fingerprints a resume checks), that every shard 0…N-1 is there and finished, and that \
            every (model, task, record) unit is recorded exactly once; then writes results.json, \
            summary.md, the CSVs, the charts and the joined samples into OUTPUT. An incomplete set \
            is refused unless --allow-partial, which marks the report partial.
            """)

    @Argument(help: "The shards' output folders (e.g. results/default/shard-*-of-4).")
    var shards: [String]

    @Option(help: "Folder for the merged report and samples.")
    var output: String

    @Flag(help: "Merge even when shards are missing or unfinished; the report is marked partial.")
    var allowPartial = false

    @Flag(help: "Print only where the report is, not the summary.")
    var quiet = false

    func run() throws {
        let merge = try ShardMerge.merge(shards.map { URL(fileURLWithPath: $0) }, allowPartial: allowPartial)
        let folder = URL(fileURLWithPath: output)
        try merge.write(to: folder)
        if !quiet { print(RunReport.summary(merge.results)) }
        let s = merge.results.sharding!
        let state = s.partial ? "partial: \(s.missingUnits) of \(s.units) units missing" : "complete"
        print("merged \(s.shards.count) of \(s.count) shards, \(merge.results.sampleCount) samples (\(state)); report: \(folder.path)/summary.md")
    }
}
