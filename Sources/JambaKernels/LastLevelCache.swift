import CCPUID
import Foundation

/// The size of the largest cache of this machine: a measurement meant to see DRAM must stream
/// several times more than this, or it times the cache instead (an Intel Xeon of this machine
/// kind has 260 MiB of L3, four times the old 64 MiB bandwidth calibration).
public enum LastLevelCache {
    /// Bytes, from sysfs, else CPUID's cache descriptors; nil when neither says.
    public static let bytes: Int? = fromSysfs() ?? fromCPUID()

    /// The largest data or unified cache that cpu0 sees in `root` (index*/size and index*/type).
    public static func fromSysfs(root: String = "/sys/devices/system/cpu/cpu0/cache") -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let sizes = entries.filter { $0.hasPrefix("index") }.compactMap { index -> Int? in
            let dir = root + "/" + index
            guard read(dir + "/type") != "Instruction", let size = read(dir + "/size") else { return nil }
            return parseSize(size)
        }
        return sizes.max()
    }

    /// sysfs's size notation: "32768K", "2M", or plain bytes.
    public static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard let last = t.last else { return nil }
        let (digits, scale) = units[Character(last.uppercased())].map { (t.dropLast(), $0) } ?? (Substring(t), 1)
        guard let n = Int(digits), n > 0 else { return nil }
        return n * scale
    }

    /// The largest data or unified cache in CPUID's deterministic cache parameters: leaf 4 on
    /// Intel, leaf 0x8000001D on AMD (the same layout); used where sysfs is not mounted.
    public static func fromCPUID() -> Int? {
        let amd = CPUFeatures.current.vendor == "AuthenticAMD"
        let leaf: UInt32 = amd ? 0x8000_001D : 4
        guard jamba_cpuid_max(leaf) >= leaf else { return nil }
        var sizes: [Int] = []
        for sub in UInt32(0)..<16 {
            var r: [UInt32] = [0, 0, 0, 0]
            r.withUnsafeMutableBufferPointer { jamba_cpuid(leaf, sub, $0.baseAddress!) }
            guard let size = descriptorSize(eax: r[0], ebx: r[1], ecx: r[2]) else { break }
            sizes.append(size)
        }
        return sizes.filter { $0 > 0 }.max()
    }

    /// One deterministic cache descriptor: nil at the end of the list (type 0), 0 for an
    /// instruction cache, else ways × partitions × line size × sets.
    public static func descriptorSize(eax: UInt32, ebx: UInt32, ecx: UInt32) -> Int? {
        let type = eax & 0x1F
        if type == 0 { return nil }
        if type == 2 { return 0 }
        let ways = Int(ebx >> 22) + 1, partitions = Int((ebx >> 12) & 0x3FF) + 1, line = Int(ebx & 0xFFF) + 1
        return ways * partitions * line * (Int(ecx) + 1)
    }
}
