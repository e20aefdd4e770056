import Foundation

/// samples/<model>/<task>.jsonl: a header line with the fingerprint of what the answers depend
/// on, then one SampleRecord per line, appended and flushed after every batch. Reopening it
/// returns the samples already recorded, so a rerun skips them; a line cut short by a kill is
/// dropped (and truncated away) rather than trusted.
public final class SamplesFile {
    struct Header: Codable, Equatable {
        var jambaEvalSamples = 1
        var fingerprint: String
        var model: String
        var task: String
        enum CodingKeys: String, CodingKey {
            case jambaEvalSamples = "jamba_eval_samples", fingerprint, model, task
        }
    }

    public let url: URL
    public private(set) var recorded: [SampleRecord] = []
    private let handle: FileHandle

    /// Opens (or creates) the file for `fingerprint`. An existing file written for another
    /// fingerprint is refused unless `fresh`, which discards it.
    public init(url: URL, fingerprint: String, model: String, task: String, fresh: Bool) throws {
        self.url = url
        let fm = FileManager.default
        let header = Header(fingerprint: fingerprint, model: model, task: task)
        do { try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw RunError.io(file: url.path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        if fresh { try? fm.removeItem(at: url) }
        var keepBytes = 0
        if fm.fileExists(atPath: url.path) {
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw RunError.io(file: url.path, reason: error.localizedDescription) }
            let decoder = JSONDecoder()
            var offset = 0
            var lineNumber = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                let end = offset + line.count + 1
                // The last piece has no newline: written partly when the run was killed.
                if end > data.count { break }
                if lineNumber == 1 {
                    guard let h = try? decoder.decode(Header.self, from: Data(line)) else {
                        throw RunError.samplesUnreadable(file: url.path, line: 1, reason: "not a jamba-eval samples header")
                    }
                    if h.fingerprint != fingerprint {
                        throw RunError.samplesChanged(file: url.path, recorded: h.fingerprint, now: fingerprint)
                    }
                } else if !line.isEmpty {
                    do { recorded.append(try decoder.decode(SampleRecord.self, from: Data(line))) } catch {
                        throw RunError.samplesUnreadable(file: url.path, line: lineNumber, reason: "not a sample record: \(error)")
                    }
                }
                offset = end
                keepBytes = end
            }
        }
        if keepBytes == 0 {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var data = try encoder.encode(header)
            data.append(UInt8(ascii: "\n"))
            guard fm.createFile(atPath: url.path, contents: data) else {
                throw RunError.io(file: url.path, reason: "cannot create the file")
            }
            keepBytes = data.count
        }
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(keepBytes))
            try handle.seekToEnd()
        } catch {
            throw RunError.io(file: url.path, reason: error.localizedDescription)
        }
    }

    deinit { try? handle.close() }

    public var recordedIds: Set<String> { Set(recorded.map(\.id)) }

    /// Appends a batch's samples and forces them to disk.
    public func append(_ samples: [SampleRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for s in samples {
            data.append(try encoder.encode(s))
            data.append(UInt8(ascii: "\n"))
        }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw RunError.io(file: url.path, reason: "cannot append samples: \(error.localizedDescription)")
        }
        recorded += samples
    }
}
