import Foundation

/// Writes a run's report folder: results.json (the source of truth) and its renderings.
public enum RunReport {
    /// Every file of the report, by name relative to the folder, in a fixed order: results.json,
    /// summary.md, accuracy.csv, throughput.csv, then the charts. Pure, so tests need no disk.
    public static func files(_ results: RunResults) throws -> [(name: String, contents: Data)] {
        var out: [(String, Data)] = [("results.json", try results.jsonData()),
                                     ("summary.md", Data(summary(results).utf8)),
                                     ("accuracy.csv", Data(ReportCSV.accuracy(results).utf8)),
                                     ("throughput.csv", Data(ReportCSV.throughput(results).utf8))]
        out += ReportCharts.all(results).map { ($0.file, Data($0.svg.utf8)) }
        return out
    }

    /// Writes all files into `folder` (created if needed), each atomically, so a reader never sees
    /// half a file. Other files in the folder (samples/) are left alone.
    public static func write(_ results: RunResults, to folder: URL) throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ReportError.unwritable(file: folder.path, reason: error.localizedDescription)
        }
        for (name, data) in try files(results) {
            let url = folder.appendingPathComponent(name)
            do { try data.write(to: url, options: .atomic) } catch {
                throw ReportError.unwritable(file: url.path, reason: error.localizedDescription)
            }
        }
    }

    /// The Markdown of summary.md, which the CLI prints at the end of a run.
    public static func summary(_ results: RunResults) -> String { SummaryMarkdown.render(results) }
}
