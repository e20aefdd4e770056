import Foundation

/// Word → ids memo shared by all encodes of one tokenizer (natural text repeats its words).
/// Guarded by a lock so a tokenizer can be used from several threads; bounded by clearing it
/// when full, which keeps memory flat on endless input at the cost of a brief refill.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var map = ByteStringMap(capacity: 4096)
    private var starts: [Int32] = []
    private var counts: [Int32] = []
    private var stored: [Int32] = []
    static let capacity = 100_000

    func lookup(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = map.value(for: word) else { return false }
        let start = Int(starts[Int(entry)])
        for i in start..<(start + Int(counts[Int(entry)])) { ids.append(Int(stored[i])) }
        return true
    }

    func store(_ word: UnsafeBufferPointer<UInt8>, ids: ArraySlice<Int>) {
        lock.lock()
        defer { lock.unlock() }
        if map.count >= WordCache.capacity {
            map.removeAll()
            starts.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            stored.removeAll(keepingCapacity: true)
        }
        if map.value(for: word) != nil { return }
        map.set(word, Int32(starts.count))
        starts.append(Int32(stored.count))
        counts.append(Int32(ids.count))
        for id in ids { stored.append(Int32(id)) }
    }
}
