/// A hash map from byte strings to `Int32`, looked up with a pointer into a buffer.
///
/// The vocabulary and the word cache are probed once per word or per character on the encode hot
/// path; with `[String: Int]` every probe would first have to build a `String` (an allocation) and
/// then hash it with Unicode normalization. Here the keys live back to back in one byte array and
/// a probe hashes the caller's bytes in place. Open addressing, linear probing, grows at 50% load.
struct ByteStringMap {
    private var keyBytes: [UInt8] = []
    private var keyStart: [Int] = []
    private var keyLength: [Int32] = []
    private var keyHash: [UInt32] = []
    private(set) var values: [Int32] = []
    /// Entry index + 1 per slot, 0 for empty.
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = ByteStringMap.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        return keyBytes.withUnsafeBufferPointer { stored in
            while true {
                let entry = Int(slots[slot]) - 1
                if entry < 0 { return nil }
                if keyHash[entry] == tag && Int(keyLength[entry]) == key.count
                    && ByteStringMap.equal(stored, keyStart[entry], key) {
                    return values[entry]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    func value(for key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { value(for: $0) }
    }

    func value(for key: String) -> Int32? {
        var key = key
        return key.withUTF8 { value(for: $0) }
    }

    /// Inserts or, when the key is present, overwrites (later duplicates win, as in a Rust
    /// HashMap built by `collect`).
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) {
        let hash = ByteStringMap.hash(key)
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { break }
            let found = keyBytes.withUnsafeBufferPointer { stored in
                keyHash[entry] == tag && Int(keyLength[entry]) == key.count
                    && ByteStringMap.equal(stored, keyStart[entry], key)
            }
            if found {
                values[entry] = value
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(values.count + 1)
        keyStart.append(keyBytes.count)
        keyLength.append(Int32(key.count))
        keyHash.append(tag)
        keyBytes.append(contentsOf: key)
        values.append(value)
        if values.count * 2 > slots.count { grow() }
    }

    mutating func set(_ key: [UInt8], _ value: Int32) {
        key.withUnsafeBufferPointer { set($0, value) }
    }

    mutating func set(_ key: String, _ value: Int32) {
        var key = key
        key.withUTF8 { set($0, value) }
    }

    mutating func removeAll() {
        keyBytes.removeAll(keepingCapacity: true)
        keyStart.removeAll(keepingCapacity: true)
        keyLength.removeAll(keepingCapacity: true)
        keyHash.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        keyBytes.withUnsafeBufferPointer { stored in
            for entry in 0..<values.count {
                let key = UnsafeBufferPointer(rebasing: stored[keyStart[entry]..<(keyStart[entry] + Int(keyLength[entry]))])
                var slot = Int(truncatingIfNeeded: ByteStringMap.hash(key)) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(entry + 1)
            }
        }
    }

    @inline(__always)
    private static func equal(_ stored: UnsafeBufferPointer<UInt8>, _ start: Int,
                              _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if key.count == 0 { return true }
        return memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0
    }

    /// A multiply-xorshift hash over 8-byte words; quality is ample for open addressing.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = key.count
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ (UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = key.baseAddress, count > 0 else { return h ^ (h >> 31) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
