import ArgumentParser
import Foundation
import JambaData

extension DataCommand {
    struct CatCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cat",
            abstract: "Stream a task file and print its records as JSON lines (as the reader sees them).")

        @Argument(help: "A .jsonl.zst or .jsonl file.")
        var file: String

        @Option(help: "Stop after this many records.")
        var limit: Int?

        @Flag(help: "Print one summary line per record (id, task, length, outputs) instead of the JSON.")
        var brief = false

        @Flag(help: "Skip and count malformed lines instead of stopping at the first.")
        var skipBad = false

        func run() throws {
            let reader = try TaskReader(path: file, options: ReaderOptions(skipMalformedLines: skipBad))
            var n = 0
            while limit.map({ n < $0 }) ?? true, let r = try reader.next() {
                n += 1
                if brief {
                    let size = r.inputIds.map { "\($0.count) ids" } ?? "\(r.input?.utf8.count ?? 0) bytes"
                    print("\(r.id)\t\(r.task ?? "-")\tlength \(r.length.map(String.init) ?? "-")\t\(size)\toutputs \(r.outputs)")
                } else {
                    FileHandle.standardOutput.write(Data(r.jsonLine()))
                }
            }
            if reader.skippedLines > 0 {
                FileHandle.standardError.write(Data("skipped \(reader.skippedLines) malformed lines\n".utf8))
            }
        }
    }
}
