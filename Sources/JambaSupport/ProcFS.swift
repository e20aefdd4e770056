import Foundation

/// Everything the program reads from Linux's /proc (and the cgroup files beside it), in one place:
/// peak and current resident memory, the load average, the CPU's brand string, physical memory,
/// and (AvailableMemory, beside it) the memory a run may still take. In JambaSupport, at the
/// bottom, so the memory planner in JambaModels and the reports read the same files the same way.
/// Each reading is nil (or 0 where a caller sums it) where the file is absent or unreadable, as on
/// macOS, so reports say "unknown" instead of failing.
public enum ProcFS {
    /// A figure of /proc/self/status in bytes: "VmHWM:" (the resident high-water mark), "VmRSS:".
    public static func selfStatusBytes(_ key: String) -> Int? {
        guard let kb = field(of: "/proc/self/status", key).flatMap({ Int($0.filter(\.isNumber)) }) else { return nil }
        return kb * 1024
    }

    /// The resident high-water mark in bytes, 0 where unreadable.
    public static var peakResidentBytes: Int { selfStatusBytes("VmHWM:") ?? 0 }

    /// Resets the high-water mark to the current size ("5" to clear_refs), so the next reading
    /// is this model's peak, not an earlier one's.
    public static func resetPeakResident() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The 1, 5 and 15 minute load averages (/proc/loadavg): how busy the shared machine was.
    public static var loadAverage: [Double]? {
        guard let text = read("/proc/loadavg") else { return nil }
        let v = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        return v.count == 3 ? v : nil
    }

    /// The brand string of /proc/cpuinfo ("AMD EPYC 7B13"; hypervisors may shorten it).
    public static var cpuModelName: String? {
        field(of: "/proc/cpuinfo", "model name")
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) }
    }

    /// MemTotal from /proc/meminfo in bytes, or the cgroup's limit when a container caps the
    /// process below it (MemTotal shows the host's): memory.max (cgroup v2) or
    /// memory/memory.limit_in_bytes (v1, a huge number when unlimited).
    public static var physicalMemory: Int? {
        guard let kb = field(of: "/proc/meminfo", "MemTotal:").flatMap({ Int($0.filter(\.isNumber)) }) else { return nil }
        let caps = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap { path in
            read(path).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }  // v2 writes "max" when uncapped, which is no number
        return ([kb * 1024] + caps).min()
    }

    /// A whole /proc or /sys file as text, nil where absent or unreadable.
    public static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// The first line of `path` that starts with `key`, whole.
    private static func field(of path: String, _ key: String) -> Substring? {
        guard let text = read(path) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(key) }
    }
}
