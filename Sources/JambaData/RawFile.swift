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
