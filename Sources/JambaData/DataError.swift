/// Everything that can be wrong with a task file or a generator request. Every case names the file
/// and the line (1-based) or, for damage inside compressed data, the byte offset in the file, and
/// says what was expected: task files are user input (DESIGN.md §8), so a bad one must be findable.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    case readFailed(file: String, reason: String)
    /// zstd rejected the data: `offset` is the byte of the compressed file zstd had reached,
    /// `frameStart` the byte where the frame holding it begins.
    case corruptFrame(file: String, offset: Int, frameStart: Int, zstdError: String)
    /// The file ends inside a zstd frame (a download or a writer that was cut short).
    case truncatedFrame(file: String, frameStart: Int, fileBytes: Int, line: Int)
    case lineTooLong(file: String, line: Int, bytes: Int, limit: Int)
    /// `column` is the 1-based byte within the line where the JSON parser stopped.
    case notJSON(file: String, line: Int, column: Int, reason: String)
    case notAnObject(file: String, line: Int, found: String)
    case badField(file: String, line: Int, field: String, expected: String)
    case missingInput(file: String, line: Int)
    case writeFailed(file: String, reason: String)
    case compressFailed(file: String, zstdError: String)
    case invalidRequest(String)
    case doesNotFit(task: String, requested: Int, minimum: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason): return "\(file): cannot open: \(reason)"
        case let .readFailed(file, reason): return "\(file): read failed: \(reason)"
        case let .corruptFrame(file, offset, frameStart, name):
            return "\(file): corrupt zstd data at byte \(offset) (frame starting at byte \(frameStart)): \(name)"
        case let .truncatedFrame(file, frameStart, size, line):
            return "\(file): truncated: the zstd frame starting at byte \(frameStart) is cut off at the end of the file (byte \(size)), after line \(line)"
        case let .lineTooLong(file, line, bytes, limit):
            return "\(file):\(line): line is longer than \(limit) bytes (\(bytes) read so far)"
        case let .notJSON(file, line, column, reason):
            return "\(file):\(line): not valid JSON at column \(column): \(reason)"
        case let .notAnObject(file, line, found):
            return "\(file):\(line): expected a JSON object, found \(found)"
        case let .badField(file, line, field, expected):
            return "\(file):\(line): field '\(field)': expected \(expected)"
        case let .missingInput(file, line):
            return "\(file):\(line): record has neither 'input' nor 'input_ids'"
        case let .writeFailed(file, reason): return "\(file): cannot write: \(reason)"
        case let .compressFailed(file, name): return "\(file): zstd compression failed: \(name)"
        case let .invalidRequest(reason): return reason
        case let .doesNotFit(task, requested, minimum):
            return "\(task): a context of \(requested) tokens is too small; the prompt's fixed parts and answer need at least \(minimum)"
        }
    }
}
