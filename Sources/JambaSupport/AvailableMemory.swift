import Foundation

/// How much memory this process may still take: MemAvailable from /proc/meminfo (free memory plus
/// what the kernel can reclaim, such as page cache), or the room left under the cgroup memory
/// limit of the process (v2 memory.max − memory.current at each level of its cgroup path; v1
/// memory.limit_in_bytes − memory.usage_in_bytes) when that is lower, since a container's limit
/// is what the OOM killer enforces.
public struct AvailableMemory: Sendable, Equatable {
    public let bytes: Int
    /// Where the number came from ("MemAvailable", "cgroup v2 limit /sys/fs/cgroup/memory.max").
    public let source: String

    public init(bytes: Int, source: String) { self.bytes = bytes; self.source = source }

    /// Read from the running system; `root` prefixes every path (tests give a folder of fake files).
    public static func current(root: String = "") -> AvailableMemory {
        func read(_ path: String) -> String? { ProcFS.read(root + path) }
        var best = AvailableMemory(bytes: Int(clamping: ProcessInfo.processInfo.physicalMemory), source: "physical memory")
        if let info = read("/proc/meminfo"), let kib = meminfoKiB(info, "MemAvailable") {
            best = AvailableMemory(bytes: kib * 1024, source: "MemAvailable in /proc/meminfo")
        }
        for candidate in cgroupRoom(read) where candidate.bytes < best.bytes { best = candidate }
        return best
    }

    /// A field of /proc/meminfo in KiB ("MemAvailable:   123456 kB").
    static func meminfoKiB(_ text: String, _ field: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.dropFirst(field.count + 1).split(separator: " ").first.flatMap { Int($0) }
        }
        return nil
    }

    /// Room under each cgroup limit on the process's path (v2 and v1), as found.
    static func cgroupRoom(_ read: (String) -> String?) -> [AvailableMemory] {
        guard let membership = read("/proc/self/cgroup") else { return [] }
        var out: [AvailableMemory] = []
        func number(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0" && parts[1].isEmpty {
                // v2: every level from the process's cgroup up to the root may carry a limit.
                var p = path == "/" ? "" : path
                while true {
                    let dir = "/sys/fs/cgroup" + p
                    if let limit = number(read(dir + "/memory.max")), let used = number(read(dir + "/memory.current")) {
                        out.append(AvailableMemory(bytes: max(0, limit - used), source: "cgroup v2 limit \(dir)/memory.max (\(limit) bytes, \(used) in use)"))
                    }
                    if p.isEmpty { break }
                    p = String(p[..<(p.lastIndex(of: "/") ?? p.startIndex)])
                }
            } else if parts[1].split(separator: ",").contains("memory") {
                let dir = "/sys/fs/cgroup/memory" + (path == "/" ? "" : path)
                // An unlimited v1 group reports a limit near 2^63.
                if let limit = number(read(dir + "/memory.limit_in_bytes")), limit < 1 << 62,
                   let used = number(read(dir + "/memory.usage_in_bytes")) {
                    out.append(AvailableMemory(bytes: max(0, limit - used), source: "cgroup v1 limit \(dir)/memory.limit_in_bytes (\(limit) bytes, \(used) in use)"))
                }
            }
        }
        return out
    }
}
