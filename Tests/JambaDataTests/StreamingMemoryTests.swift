import Foundation
import XCTest
@testable import JambaData

/// The reader's memory must not depend on the file size (issue 5: a 200 MB file under 64 MiB).
final class StreamingMemoryTests: XCTestCase {
    /// Resident set size of this process, from /proc (Linux); nil elsewhere.
    private func residentBytes() -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = s.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testLargeFileIsReadInBoundedMemory() throws {
        let dir = try TestFiles.temporaryDirectory(for: self)
        let path = dir.appendingPathComponent("large.jsonl.zst").path
        // ~200 MB of JSONL: 2,000 records of ~100 KB, a few of 1 MB, generated on the fly at zstd
        // level 1. Inputs differ per record so zstd cannot shrink the work to nothing.
        let target = 200_000_000
        let writer = try TaskWriter(path: path, level: 1)
        var rng = SeededRandom(seed: 1)
        var words: [String] = []
        for _ in 0..<4096 { words.append(rng.pick(WordLists.nouns)) }
        let block = words.joined(separator: " ")  // ~27 KB
        var i = 0
        var longest = 0
        while writer.uncompressedBytes < target {
            let repeats = i % 500 == 7 ? 40 : 4
            let offset = rng.below(1000)
            let text = String(block.dropFirst(offset)) + String(repeating: block, count: repeats - 1) + " #\(i)"
            longest = max(longest, text.utf8.count)
            try writer.write(TaskRecord(id: "big/\(i)", task: "bench", input: text, outputs: ["\(i)"], length: repeats * 6000))
            i += 1
        }
        try writer.close()
        let records = i

        let before = residentBytes()
        var peak = before ?? 0
        let reader = try TaskReader(path: path)
        var n = 0
        var buffersAfterLongest = 0
        var inputBytes = 0
        while let r = try reader.next() {
            XCTAssertEqual(r.id, "big/\(n)")
            inputBytes += r.input!.utf8.count
            n += 1
            if n == 50 { buffersAfterLongest = reader.bufferedBytes }
            if n % 100 == 0, let rss = residentBytes() { peak = max(peak, rss) }
        }
        XCTAssertEqual(n, records)
        XCTAssertGreaterThanOrEqual(reader.bytesRead, target)
        // The buffers stop growing once the longest line has been seen (record 7 is a long one):
        // chunk + zstd input buffer + a carry as long as the longest line, whatever the file size.
        XCTAssertEqual(reader.bufferedBytes, buffersAfterLongest)
        XCTAssertLessThanOrEqual(reader.bufferedBytes, ReaderOptions().chunkBytes + (1 << 18) + 2 * (longest + 200))
        if let before {
            XCTAssertLessThan(peak - before, 64 << 20, "resident memory grew by \((peak - before) >> 20) MiB reading \(reader.bytesRead >> 20) MiB")
        }
        print("streamed \(reader.bytesRead >> 20) MiB in \(n) records; reader buffers \(reader.bufferedBytes >> 10) KiB; RSS growth \(((peak - (before ?? peak)) >> 20)) MiB")
    }
}
