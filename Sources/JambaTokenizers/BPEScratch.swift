/// Per-call working memory for BPE merging, reused across the words of one `encode`.
///
/// Symbols form a doubly linked list in arrays (index = position in the initial word); a merged
/// symbol keeps its left position and the right one is marked dead with length 0. Candidate merges
/// sit in a binary min-heap keyed by (rank << 32 | position): the smallest rank first and, on equal
/// ranks, the leftmost, exactly the order of `tokenizers`' BinaryHeap of `Merge`.
struct BPEScratch {
    var ids: [Int32] = []
    var prev: [Int32] = []
    var next: [Int32] = []
    var lengths: [Int32] = []
    var heap: [UInt64] = []

    mutating func reset() {
        ids.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ id: Int32, length: Int32) {
        let position = Int32(ids.count)
        ids.append(id)
        prev.append(position - 1)
        next.append(position + 1)
        lengths.append(length)
    }

    mutating func appendSymbols(to out: inout [Int]) {
        for i in 0..<ids.count where lengths[i] != 0 { out.append(Int(ids[i])) }
    }

    mutating func mergeAll(_ merges: MergeTable) {
        let count = ids.count
        if count < 2 { return }
        next[count - 1] = -1
        // Work on local arrays (moved out, so no copy) to keep the closures below from overlapping
        // accesses to `self`.
        var ids: [Int32] = [], prev: [Int32] = [], next: [Int32] = [], lengths: [Int32] = []
        var heap: [UInt64] = []
        swap(&ids, &self.ids); swap(&prev, &self.prev); swap(&next, &self.next)
        swap(&lengths, &self.lengths); swap(&heap, &self.heap)
        defer {
            swap(&ids, &self.ids); swap(&prev, &self.prev); swap(&next, &self.next)
            swap(&lengths, &self.lengths); swap(&heap, &self.heap)
        }
        heap.removeAll(keepingCapacity: true)
        for position in 0..<(count - 1) {
            let rank = merges.lookup(ids[position], ids[position + 1]).rank
            if rank >= 0 { heap.append(UInt64(UInt32(rank)) << 32 | UInt64(position)) }
        }
        if heap.isEmpty { return }
        BPEScratch.heapify(&heap)
        ids.withUnsafeMutableBufferPointer { ids in
        prev.withUnsafeMutableBufferPointer { prev in
        next.withUnsafeMutableBufferPointer { next in
        lengths.withUnsafeMutableBufferPointer { lengths in
            while let top = BPEScratch.popMin(&heap) {
                let position = Int(top & 0xFFFF_FFFF)
                let rank = Int32(truncatingIfNeeded: top >> 32)
                if lengths[position] == 0 { continue }
                let right = Int(next[position])
                if right < 0 { continue }
                // A stale entry: the pair at this position changed since it was queued. Ranks
                // identify merge rules one to one, so comparing them is tokenizers' new-id check.
                let current = merges.lookup(ids[position], ids[right])
                if current.rank != rank { continue }
                ids[position] = current.result
                lengths[position] += lengths[right]
                lengths[right] = 0
                let after = Int(next[right])
                next[position] = Int32(after)
                if after >= 0 { prev[after] = Int32(position) }
                let before = Int(prev[position])
                if before >= 0 {
                    let merge = merges.lookup(ids[before], ids[position])
                    if merge.rank >= 0 {
                        BPEScratch.push(&heap, UInt64(UInt32(merge.rank)) << 32 | UInt64(before))
                    }
                }
                if after >= 0 {
                    let merge = merges.lookup(ids[position], ids[after])
                    if merge.rank >= 0 {
                        BPEScratch.push(&heap, UInt64(UInt32(merge.rank)) << 32 | UInt64(position))
                    }
                }
            }
        }
        }
        }
        }
    }

    // A plain binary min-heap over UInt64 keys.

    static func heapify(_ heap: inout [UInt64]) {
        var i = heap.count / 2 - 1
        while i >= 0 {
            siftDown(&heap, i)
            i -= 1
        }
    }

    @inline(__always)
    static func push(_ heap: inout [UInt64], _ key: UInt64) {
        heap.append(key)
        heap.withUnsafeMutableBufferPointer { h in
            var child = h.count - 1
            while child > 0 {
                let parent = (child - 1) >> 1
                if h[parent] <= key { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = key
        }
    }

    @inline(__always)
    static func popMin(_ heap: inout [UInt64]) -> UInt64? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(&heap, 0)
        return top
    }

    @inline(__always)
    static func siftDown(_ heap: inout [UInt64], _ start: Int) {
        heap.withUnsafeMutableBufferPointer { h in
            let count = h.count
            let key = h[start]
            var i = start
            while true {
                var child = 2 * i + 1
                if child >= count { break }
                if child + 1 < count && h[child + 1] < h[child] { child += 1 }
                if key <= h[child] { break }
                h[i] = h[child]
                i = child
            }
            h[i] = key
        }
    }
}
