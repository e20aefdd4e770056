import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory map of a whole file. Weights in F32 are read straight from it, so loading a
/// checkpoint costs page faults, not copies. Unmapped when the last reference goes.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    public let base: UnsafeRawPointer

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw CheckpointError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw CheckpointError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        size = Int(st.st_size)
        if size == 0 {
            // mmap of length 0 fails; an empty file is simply too short to be safetensors.
            base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 8))
            isMapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError.cannotOpen(file: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(p)
        isMapped = true
    }

    private let isMapped: Bool

    deinit {
        if isMapped { munmap(UnsafeMutableRawPointer(mutating: base), size) }
        else { UnsafeMutableRawPointer(mutating: base).deallocate() }
    }
}
