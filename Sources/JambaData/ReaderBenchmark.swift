/// Times the reader's stages on one file, single-threaded, to say where the time goes:
/// decompress only, decompress + split into lines, and the full read (split + JSON decode into
/// TaskRecords). Each stage reads the file from the start; the page cache is warm after the first.
public struct ReaderBenchmark: Sendable {
    public struct Stage: Sendable {
        public let name: String
        public let seconds: Double
        public let bytes: Int
        public let records: Int
        public var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
        public var recordsPerSecond: Double { Double(records) / seconds }
    }

    public let path: String
    public let stages: [Stage]

    public static func run(path: String, repeats: Int = 3, chunkBytes: Int = ReaderOptions().chunkBytes) throws -> ReaderBenchmark {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func best(_ name: String, _ body: () throws -> (Int, Int)) throws -> Stage {
            var fastest = Double.infinity
            var result = (0, 0)
            for _ in 0..<max(repeats, 1) {
                var r = (0, 0)
                let d = try clock.measure { r = try body() }
                fastest = min(fastest, seconds(d))
                result = r
            }
            return Stage(name: name, seconds: fastest, bytes: result.0, records: result.1)
        }

        var stages: [Stage] = []
        let compressed = try TaskReader.looksCompressed(path: path)
        stages.append(try best(compressed ? "decompress" : "read") {
            let file = try RawFile.openForReading(path)
            let source: ByteSource = compressed ? try ZstdSource(file: file) : PlainSource(file: file)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
            defer { buffer.deallocate() }
            var total = 0
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                total += n
            }
            return (total, 0)
        })
        stages.append(try best(compressed ? "decompress + split lines" : "read + split lines") {
            let reader = try TaskReader(path: path, options: ReaderOptions(chunkBytes: chunkBytes))
            var lines = 0
            try reader.forEachLine { _, _ in lines += 1 }
            return (reader.bytesRead, lines)
        })
        stages.append(try best("full read (split + decode records)") {
            let reader = try TaskReader(path: path, options: ReaderOptions(chunkBytes: chunkBytes))
            var records = 0
            try reader.forEach { _ in records += 1 }
            return (reader.bytesRead, records)
        })
        return ReaderBenchmark(path: path, stages: stages)
    }
}
