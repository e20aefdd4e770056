/// What jamba-eval knows about OpenBLAS's x86-64 kernel families ("cores"): which vector
/// extensions each one uses, which one suits a CPU, and which names OPENBLAS_CORETYPE accepts.
///
/// A DYNAMIC_ARCH build (Debian's) chooses its core from the CPU model number when the library
/// loads. A model it does not know gets an old SSE3 core: on an Intel Xeon family 6 model 207
/// (Emerald Rapids) 0.3.21 runs Prescott kernels, 5× slower at sgemm than its AVX-512 ones
/// (DESIGN.md section 6). The extensions in CPUID say what the CPU can run whatever its model.
///
/// OPENBLAS_L2_SIZE, sometimes set with OPENBLAS_CORETYPE, only replaces the L2 size that CPUID
/// leaf 0x80000006 reports (some hypervisors report none; OpenBLAS then warns and assumes 256 KiB).
/// OpenBLAS sizes the GEMM blocking of its old cores from it (Prescott, Core2, Penryn, Dunnington,
/// Opteron), not that of the AVX2 and AVX-512 cores chosen here, whose blocking is fixed at build
/// time; on this project's AMD EPYC (CPUID reports 512 KiB) Zen's sgemm ran at the same
/// 77-83 GFLOP/s with it unset, 256 or 4096. So jamba-eval neither needs nor sets it.
public enum OpenBLASCore {
    /// Vector width of a core's kernels, in the order they are faster on a CPU that runs them.
    public enum Tier: Int, Comparable, Sendable {
        case sse, avx, avx2, avx512
        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
    }

    /// The tier of a core name as openblas_get_corename() reports it; nil for a name this table
    /// does not know (then jamba-eval trusts OpenBLAS rather than guess).
    public static func tier(of core: String) -> Tier? {
        switch core.lowercased() {
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
             "nehalem", "athlon", "opteron", "opteron(sse3)", "opteron_sse3", "barcelona", "nano", "bobcat":
            return .sse
        // AMD's Piledriver to Excavator have FMA (and Excavator AVX2), but OpenBLAS's kernels for
        // them are the older 128/256-bit AVX designs.
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator":
            return .avx
        case "haswell", "zen":
            return .avx2
        case "skylakex", "cooperlake", "sapphirerapids":
            return .avx512
        default:
            return nil
        }
    }

    /// The cores that suit a CPU, best first: AVX-512 with BF16 → Cooperlake (SkylakeX's kernels
    /// plus bfloat16 ones), AVX-512 → SkylakeX, AVX2 + FMA → Zen on AMD, Haswell elsewhere (the
    /// same kernels with AMD's cache sizes). Empty below AVX2 + FMA: there jamba-eval leaves the
    /// choice to OpenBLAS, whose older cores it cannot rank better than OpenBLAS does.
    public static func preferred(for cpu: CPUFeatures) -> [String] {
        let avx2 = cpu.vendor == "AuthenticAMD" ? ["Zen", "Haswell"] : ["Haswell"]
        if cpu.hasAVX512 { return (cpu.avx512bf16 ? ["Cooperlake"] : []) + ["SkylakeX"] + avx2 }
        return cpu.hasAVX2FMA ? avx2 : []
    }

    /// Whether this OpenBLAS version loads `core` when OPENBLAS_CORETYPE names it. Checked on
    /// 0.3.21 by setting each name and reading openblas_get_corename(): every core up to SkylakeX
    /// is accepted, but "Cooperlake" is not (its lookup stops one entry short: "Core not found",
    /// then a fallback), a bug fixed in 0.3.22 (OpenBLAS pull request 3806). An unreadable
    /// version is treated as 0.3.21, the oldest this project runs on.
    public static func acceptsByName(_ core: String, version: [Int]?) -> Bool {
        switch core.lowercased() {
        case "cooperlake": return !(version ?? [0, 3, 21]).lexicographicallyPrecedes([0, 3, 22])
        case "sapphirerapids": return false   // not a core of 0.3.21; never chosen here
        default: return tier(of: core) != nil
        }
    }

    /// The best core for this CPU that this OpenBLAS accepts by name; nil when there is none
    /// (no AVX2 + FMA). With 0.3.21 a CPU with BF16 gets SkylakeX: Cooperlake's single-precision
    /// kernels are SkylakeX's, so nothing the engine calls is lost.
    public static func best(for cpu: CPUFeatures, version: [Int]?) -> String? {
        preferred(for: cpu).first { acceptsByName($0, version: version) }
    }

    /// "0.3.21" → [0, 3, 21], from openblas_get_config() ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …").
    public static func version(config: String) -> [Int]? {
        let words = config.split(separator: " ")
        guard let i = words.firstIndex(of: "OpenBLAS"), i + 1 < words.count else { return nil }
        // A development build says "0.3.22.dev": the numeric parts are the version it precedes.
        let parts = words[i + 1].split(separator: ".").prefix(3).map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }

    /// Whether OPENBLAS_CORETYPE means anything to this build: only a DYNAMIC_ARCH library holds
    /// several cores to choose from.
    public static func isDynamic(config: String) -> Bool {
        config.split(separator: " ").contains("DYNAMIC_ARCH")
    }
}
