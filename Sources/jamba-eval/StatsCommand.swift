import ArgumentParser
import Foundation
import JambaData
import JambaReport

extension DataCommand {
    struct StatsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Stream a task file and print counts: records per task, lengths, bytes, read speed.")

        @Argument(help: "A .jsonl.zst or .jsonl file.")
        var file: String

        @Flag(help: "Skip and count malformed lines instead of stopping at the first.")
        var skipBad = false

        func run() throws {
            let reader = try TaskReader(path: file, options: ReaderOptions(skipMalformedLines: skipBad))
            var counts = TaskCounts()
            let start = ContinuousClock.now
            var records = 0
            try reader.forEach { r in
                records += 1
                counts.add(r)
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            print(counts.markdown())
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("\(records) records, \(reader.bytesRead) bytes of JSONL (\(size) on disk), "
                + "read in \(String(format: "%.3f", seconds)) s (\(String(format: "%.0f", Double(reader.bytesRead) / 1e6 / max(seconds, 1e-9))) MB/s), "
                + "reader buffers \(reader.bufferedBytes) bytes"
                + (reader.skippedLines > 0 ? ", \(reader.skippedLines) malformed lines skipped" : ""))
        }
    }
}
