import CCPUID

/// What the CPU can run, from CPUID and XCR0: the vector extensions OpenBLAS's kernel families
/// need, already combined with the operating system's support for their registers (a CPU with
/// AVX-512 under an OS or hypervisor that does not save ZMM state cannot use it), plus the
/// vendor, family and model that identify the CPU whatever its brand string says (a VM may show
/// just "AMD EPYC" for several generations).
public struct CPUFeatures: Sendable, Equatable {
    public var vendor: String
    public var family: Int
    public var model: Int
    public var avx = false, avx2 = false, fma = false
    public var avx512f = false, avx512cd = false, avx512bw = false, avx512dq = false, avx512vl = false
    public var avx512bf16 = false

    public init(vendor: String, family: Int, model: Int) {
        self.vendor = vendor; self.family = family; self.model = model
    }

    /// The raw registers the features are decoded from: one value per leaf, so tests can feed
    /// any CPU's answers.
    public struct Registers: Sendable, Equatable {
        /// CPUID(0): ebx, edx, ecx spell the vendor.
        public var leaf0: [UInt32]
        /// CPUID(1): eax has family and model, ecx has FMA, OSXSAVE and AVX.
        public var leaf1: [UInt32]
        /// CPUID(7, 0): ebx has AVX2 and the AVX-512 foundation subsets.
        public var leaf7: [UInt32]
        /// CPUID(7, 1): eax has AVX512_BF16.
        public var leaf7sub1: [UInt32]
        public var xcr0: UInt64

        public init(leaf0: [UInt32], leaf1: [UInt32], leaf7: [UInt32], leaf7sub1: [UInt32], xcr0: UInt64) {
            self.leaf0 = leaf0; self.leaf1 = leaf1; self.leaf7 = leaf7; self.leaf7sub1 = leaf7sub1; self.xcr0 = xcr0
        }

        /// This CPU's answers.
        public static func read() -> Registers {
            func leaf(_ l: UInt32, _ sub: UInt32 = 0) -> [UInt32] {
                var r: [UInt32] = [0, 0, 0, 0]
                r.withUnsafeMutableBufferPointer { jamba_cpuid(l, sub, $0.baseAddress!) }
                return r
            }
            return Registers(leaf0: leaf(0), leaf1: leaf(1), leaf7: leaf(7), leaf7sub1: leaf(7, 1), xcr0: jamba_xcr0())
        }
    }

    /// Decodes the registers (Intel SDM vol. 2A, CPUID; AMD's numbering is the same for these bits).
    public init(_ r: Registers) {
        func bytes(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let name = bytes(r.leaf0[1]) + bytes(r.leaf0[3]) + bytes(r.leaf0[2])
        vendor = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        // Family 15 and family 6 extend their numbers with the extended fields.
        let eax = r.leaf1[0]
        let baseFamily = Int((eax >> 8) & 0xF), baseModel = Int((eax >> 4) & 0xF)
        family = baseFamily == 0xF ? baseFamily + Int((eax >> 20) & 0xFF) : baseFamily
        model = baseFamily == 0x6 || baseFamily == 0xF ? baseModel | Int((eax >> 16) & 0xF) << 4 : baseModel
        func bit(_ v: UInt32, _ n: Int) -> Bool { v & (1 << UInt32(n)) != 0 }
        // The OS must save XMM and YMM state (XCR0 bits 1, 2) for AVX, and opmask and both halves
        // of the ZMM registers (bits 5, 6, 7) for AVX-512.
        let ymm = r.xcr0 & 0x6 == 0x6, zmm = ymm && r.xcr0 & 0xE0 == 0xE0
        let ecx1 = r.leaf1[2], ebx7 = r.leaf7[1]
        avx = ymm && bit(ecx1, 28)
        fma = avx && bit(ecx1, 12)
        avx2 = avx && bit(ebx7, 5)
        avx512f = zmm && bit(ebx7, 16)
        avx512dq = avx512f && bit(ebx7, 17)
        avx512cd = avx512f && bit(ebx7, 28)
        avx512bw = avx512f && bit(ebx7, 30)
        avx512vl = avx512f && bit(ebx7, 31)
        avx512bf16 = avx512f && bit(r.leaf7sub1[0], 5)
    }

    /// This process's CPU.
    public static let current = CPUFeatures(Registers.read())

    /// AVX2 with FMA: what OpenBLAS's Haswell and Zen kernels use.
    public var hasAVX2FMA: Bool { avx2 && fma }

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels are built for (skylake-avx512).
    public var hasAVX512: Bool { avx512f && avx512cd && avx512bw && avx512dq && avx512vl }

    /// "GenuineIntel family 6 model 207": which CPU this is, for keying measurements whose
    /// ceiling depends on it (the brand string cannot: hypervisors shorten it).
    public var signature: String { "\(vendor) family \(family) model \(model)" }

    /// The extensions that decide the kernel family, as a report states them.
    public var summary: String {
        if hasAVX512 { return "AVX-512 F/CD/BW/DQ/VL" + (avx512bf16 ? "/BF16" : "") }
        if hasAVX2FMA { return "AVX2/FMA" }
        return avx ? "AVX, no AVX2/FMA" : "no AVX"
    }
}
