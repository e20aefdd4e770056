import CZstd

/// Streaming zstd compression (ZSTD_compressStream2) into a file through one fixed output buffer.
/// The checksum flag is on, so a reader detects corruption; `endFrame()` closes the current frame
/// and the next write starts a new one (a multi-frame file is still one valid .zst).
final class ZstdSink {
    private let file: RawFile
    private let cctx: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer
    private(set) var compressedBytes = 0

    init(file: RawFile, level: Int) throws {
        guard let cctx = ZSTD_createCCtx() else {
            throw DataError.compressFailed(file: file.path, zstdError: "ZSTD_createCCtx failed")
        }
        self.file = file
        self.cctx = cctx
        self.output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 64)
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level)))
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1))
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        output.deallocate()
    }

    private func check(_ ret: Int) throws {
        if ZSTD_isError(ret) != 0 {
            throw DataError.compressFailed(file: file.path, zstdError: String(cString: ZSTD_getErrorName(ret)))
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            try step(&input, ZSTD_e_continue)
        }
    }

    /// Flushes everything and writes the frame epilogue (with its checksum).
    func endFrame() throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end) != 0 {}
    }

    @discardableResult
    private func step(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws -> Int {
        var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let remaining = ZSTD_compressStream2(cctx, &out, &input, mode)
        try check(remaining)
        if out.pos > 0 {
            try file.write(UnsafeRawBufferPointer(start: output.baseAddress, count: out.pos))
            compressedBytes += out.pos
        }
        return remaining
    }
}
