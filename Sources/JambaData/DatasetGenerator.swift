/// Runs a record generator over a grid — lengths × depths × samples, in that order — and streams
/// the records into a TaskWriter, so a file of any size is written in the memory of one record.
public enum DatasetGenerator {
    /// `make(length, depth, sample)`; pass depths [nil] for tasks without a depth.
    public static func write(
        to path: String, level: Int = 9, lengths: [Int], depths: [Double?] = [nil], samples: Int,
        make: (Int, Double?, Int) throws -> TaskRecord
    ) throws -> GenerationSummary {
        guard !lengths.isEmpty, !depths.isEmpty, samples >= 1 else {
            throw DataError.invalidRequest("generate: need at least one length, one depth and one sample")
        }
        let writer = try TaskWriter(path: path, level: level)
        var summary = GenerationSummary(path: path)
        for length in lengths {
            for depth in depths {
                for sample in 0..<samples {
                    let r = try make(length, depth, sample)
                    try writer.write(r)
                    summary.add(r)
                }
            }
        }
        try writer.close()
        summary.uncompressedBytes = writer.uncompressedBytes
        summary.fileBytes = writer.fileBytes
        return summary
    }
}
