import Foundation

/// The machine's host name, as a scheduler shows the node: which machine of a cluster ran a shard
/// or measured the throughput probes.
public enum HostName {
    /// gethostname(2). Foundation's ProcessInfo.hostName may try a DNS lookup first, which a
    /// compute node without DNS answers slowly.
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown" : name
    }
}
