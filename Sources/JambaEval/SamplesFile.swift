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
            let contents = try Self.read(url)
            // No complete header line (killed while creating the file): start it again.
            if contents.completeBytes > 0 && contents.fingerprint != fingerprint {
                throw RunError.samplesChanged(file: url.path, recorded: contents.fingerprint, now: fingerprint)
            }
            recorded = contents.samples
            keepBytes = contents.completeBytes
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

    /// What a samples file holds, read without changing it (merge reads shards' files this way).
    public struct Contents {
        public var fingerprint: String
        public var model: String
        public var task: String
        public var samples: [SampleRecord]
        /// Bytes up to the end of the last complete line: a line cut short by a kill comes after.
        public var completeBytes: Int
    }

    /// Reads the header and every complete sample line; a last line without its newline (written
    /// partly when the run was killed) is left out, as a resume would drop it.
    public static func read(_ url: URL) throws -> Contents {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw RunError.io(file: url.path, reason: error.localizedDescription) }
        let decoder = JSONDecoder()
        var header: Header?
        var samples: [SampleRecord] = []
        var offset = 0
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let end = offset + line.count + 1
            if end > data.count { break }
            if lineNumber == 1 {
                guard let h = try? decoder.decode(Header.self, from: Data(line)) else {
                    throw RunError.samplesUnreadable(file: url.path, line: 1, reason: "not a jamba-eval samples header")
                }
                header = h
            } else if !line.isEmpty {
                do { samples.append(try decoder.decode(SampleRecord.self, from: Data(line))) } catch {
                    throw RunError.samplesUnreadable(file: url.path, line: lineNumber, reason: "not a sample record: \(error)")
                }
            }
            offset = end
        }
        guard let header else {
            // Empty, or the header itself was cut short: nothing recorded yet.
            return Contents(fingerprint: "", model: "", task: "", samples: [], completeBytes: 0)
        }
        return Contents(fingerprint: header.fingerprint, model: header.model, task: header.task, samples: samples, completeBytes: offset)
    }

    /// samples/<model>/<task>.jsonl under a run's output folder; characters other than letters,
    /// digits, '.', '_' and '-' become '_'.
    public static func url(in folder: URL, model: String, task: String) -> URL {
        folder.appendingPathComponent("samples/\(safe(model))/\(safe(task)).jsonl")
    }

    static func safe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
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
