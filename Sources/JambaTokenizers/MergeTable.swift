/// BPE merges: the pair of token ids (left, right) → (rank, id of the merged token).
///
/// Probed for every adjacent pair of symbols while merging, the hottest lookup in BPE, so it is an
/// open-addressing table on the packed 64-bit pair instead of a `Dictionary` of tuples.
struct MergeTable {
    private var keys: [UInt64]
    private var ranks: [Int32]
    private var results: [Int32]
    private var mask: Int
    private(set) var count = 0

    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: MergeTable.empty, count: size)
        ranks = [Int32](repeating: 0, count: size)
        results = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Later entries for the same pair overwrite earlier ones, like the Rust HashMap that
    /// `tokenizers` collects the merges into.
    mutating func set(left: Int32, right: Int32, rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var slot = MergeTable.slot(key, mask)
        while keys[slot] != MergeTable.empty && keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == MergeTable.empty { count += 1 }
        keys[slot] = key
        ranks[slot] = rank
        results[slot] = result
        if count * 2 > keys.count { grow() }
    }

    /// Doubles the table when half full, keeping probe chains short.
    private mutating func grow() {
        let old = (keys, ranks, results)
        let size = keys.count * 2
        keys = [UInt64](repeating: MergeTable.empty, count: size)
        ranks = [Int32](repeating: 0, count: size)
        results = [Int32](repeating: 0, count: size)
        mask = size - 1
        for i in 0..<old.0.count where old.0[i] != MergeTable.empty {
            var slot = MergeTable.slot(old.0[i], mask)
            while keys[slot] != MergeTable.empty { slot = (slot + 1) & mask }
            keys[slot] = old.0[i]
            ranks[slot] = old.1[i]
            results[slot] = old.2[i]
        }
    }

    /// (rank, merged id), or rank -1 when the pair does not merge.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var slot = MergeTable.slot(key, mask)
        while true {
            let stored = keys[slot]
            if stored == key { return (ranks[slot], results[slot]) }
            if stored == MergeTable.empty { return (-1, -1) }
            slot = (slot + 1) & mask
        }
    }
}
