import ArgumentParser
import Foundation
import JambaData

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
            var perTask: [String: (records: Int, tokens: Int, minLength: Int, maxLength: Int)] = [:]
            let start = ContinuousClock.now
            var records = 0
            try reader.forEach { r in
                records += 1
                let l = r.length ?? 0
                var e = perTask[r.task ?? "-", default: (0, 0, Int.max, 0)]
                e.records += 1; e.tokens += l; e.minLength = min(e.minLength, l); e.maxLength = max(e.maxLength, l)
                perTask[r.task ?? "-"] = e
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            print("| task | records | tokens | min length | max length |")
            print("|---|---|---|---|---|")
            for (task, e) in perTask.sorted(by: { $0.key < $1.key }) {
                print("| \(task) | \(e.records) | \(e.tokens) | \(e.minLength) | \(e.maxLength) |")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("\(records) records, \(reader.bytesRead) bytes of JSONL (\(size) on disk), "
                + "read in \(String(format: "%.3f", seconds)) s (\(String(format: "%.0f", Double(reader.bytesRead) / 1e6 / max(seconds, 1e-9))) MB/s), "
                + "reader buffers \(reader.bufferedBytes) bytes"
                + (reader.skippedLines > 0 ? ", \(reader.skippedLines) malformed lines skipped" : ""))
        }
    }
}
