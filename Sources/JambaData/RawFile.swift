#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened with POSIX `open`: reads and writes go straight to the descriptor into buffers
/// the caller owns, so nothing here allocates per call (FileHandle returns a fresh Data each time).
final class RawFile {
    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    static func openForReading(_ path: String) throws -> RawFile {
        // Checked before open: opening a FIFO blocks until a writer appears, and a device such as
        // /dev/urandom never ends, so a run would hang counting its lines. Task files are files.
        if let kind = RawFile.notRegular(path) {
            throw DataError.cannotOpen(file: path, reason: "is \(kind), not a regular file")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.cannotOpen(file: path, reason: lastErrorString()) }
        // A folder opens fine with O_RDONLY but fails on the first read with a vaguer message.
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw DataError.cannotOpen(file: path, reason: "is a directory")
        }
        return RawFile(path: path, fd: fd)
    }

    /// What `path` is when it exists and is neither a regular file nor a folder ("a FIFO",
    /// "a character device", …); nil otherwise (a missing file fails at open with its own error).
    static func notRegular(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    static func create(_ path: String) throws -> RawFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DataError.writeFailed(file: path, reason: lastErrorString()) }
        return RawFile(path: path, fd: fd)
    }

    deinit { close(fd) }

    /// Fills as much of `buffer` as the file has left; 0 only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let n = posixRead(fd, buffer.baseAddress! + total, buffer.count - total)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.readFailed(file: path, reason: RawFile.lastErrorString())
            }
            if n == 0 { break }
            total += n
        }
        return total
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.writeFailed(file: path, reason: RawFile.lastErrorString())
            }
            done += n
        }
    }

    static func lastErrorString() -> String { String(cString: strerror(errno)) }
}

// `read` and `write` are shadowed inside RawFile by its own methods.
@inline(__always) private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
    read(fd, p, n)
}
@inline(__always) private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}

/// Input files must be regular files (or folders where a folder is meant): see RawFile.notRegular.
public enum InputFile {
    /// "a FIFO", "a character device", … when `path` is such a thing; nil for a regular file, a
    /// folder or a path that does not exist.
    public static func notRegular(_ path: String) -> String? { RawFile.notRegular(path) }
}
