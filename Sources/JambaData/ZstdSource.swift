import CZstd

/// Streaming zstd decompression (ZSTD_decompressStream) from a file through one fixed input buffer
/// of ZSTD_DStreamInSize bytes. It tracks the file offset of every byte it hands zstd, so damage is
/// reported as a byte offset and the frame it lies in. Concatenated frames (what `cat a.zst b.zst`
/// or a writer with frame splitting makes) and skippable frames decode as one stream.
final class ZstdSource: ByteSource {
    private let file: RawFile
    private let dctx: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inputCount = 0
    private var inputPos = 0
    /// File offset of input[0].
    private var inputFileOffset = 0
    private var atEOF = false
    /// Where the frame being decoded starts; moves when zstd reports a frame complete.
    private var frameStart = 0
    /// ZSTD_decompressStream's last return: 0 means the last frame is complete and flushed.
    private var lastHint = 0

    init(file: RawFile) throws {
        guard let dctx = ZSTD_createDCtx() else {
            throw DataError.readFailed(file: file.path, reason: "ZSTD_createDCtx failed")
        }
        self.file = file
        self.dctx = dctx
        self.input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 64)
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        input.deallocate()
    }

    var bufferBytes: Int { input.count }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if inputPos == inputCount && !atEOF {
                inputFileOffset += inputCount
                inputCount = try file.read(into: input)
                inputPos = 0
                if inputCount == 0 { atEOF = true }
            }
            if atEOF && inputPos == inputCount && lastHint == 0 { return 0 }

            var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: inputCount, pos: inputPos)
            var outBuf = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
            let ret = ZSTD_decompressStream(dctx, &outBuf, &inBuf)
            if ZSTD_isError(ret) != 0 {
                throw DataError.corruptFrame(
                    file: file.path, offset: inputFileOffset + inBuf.pos, frameStart: frameStart,
                    zstdError: String(cString: ZSTD_getErrorName(ret)))
            }
            inputPos = inBuf.pos
            lastHint = ret
            if ret == 0 { frameStart = inputFileOffset + inputPos }
            if outBuf.pos > 0 { return outBuf.pos }
            // No output and no input left: zstd still wants bytes of a frame the file does not have.
            // (With input exhausted but output pending, zstd would have produced output above.)
            if atEOF && inputPos == inputCount && ret != 0 {
                throw DataError.truncatedFrame(
                    file: file.path, frameStart: frameStart, fileBytes: inputFileOffset + inputCount, line: 0)
            }
        }
    }
}
