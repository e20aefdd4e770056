import XCTest
@testable import JambaKernels

/// The pure parts of choosing OpenBLAS's kernels: CPUID decoding, the feature → core table,
/// and when jamba-eval re-executes and what it then says.
final class CoreChoiceTests: XCTestCase {
    // CPUID(0) spells the vendor in ebx, edx, ecx: four ASCII bytes each, little-endian.
    static let intel: [UInt32] = [0x20, 0x756E_6547, 0x6C65_746E, 0x4965_6E69]   // "Genu" "ntel" "ineI"
    static let amd: [UInt32] = [0x10, 0x6874_7541, 0x444D_4163, 0x6974_6E65]     // "Auth" "cAMD" "enti"

    /// CPUID(7, 0).ebx bits: AVX2 5, AVX512F 16, DQ 17, CD 28, BW 30, VL 31.
    static let avx2Bit: UInt32 = 1 << 5
    static let avx512Bits: UInt32 = 1 << 16 | 1 << 17 | 1 << 28 | 1 << 30 | 1 << 31
    /// CPUID(1).ecx: FMA 12, OSXSAVE 27, AVX 28.
    static let avxFMA: UInt32 = 1 << 12 | 1 << 27 | 1 << 28

    /// An Intel Xeon family 6 model 207 (Emerald Rapids): family 6, extended model 0xC, model 0xF.
    static func emeraldRapids(bf16: Bool = true, xcr0: UInt64 = 0xE7) -> CPUFeatures {
        CPUFeatures(.init(leaf0: intel, leaf1: [0x000C_06F2, 0, avxFMA, 0], leaf7: [0, avx2Bit | avx512Bits, 0, 0],
                          leaf7sub1: [bf16 ? 1 << 5 : 0, 0, 0, 0], xcr0: xcr0))
    }

    /// This project's AMD EPYC as its hypervisor shows it, registers as read: family 0xF + 0xA.
    static let epyc = CPUFeatures(.init(leaf0: amd, leaf1: [0x00A0_0F11, 0, 0xFFFA_3203, 0x178B_FBFF],
                                        leaf7: [0, 0x219C_07AB, 0x0040_0684, 0x10], leaf7sub1: [0, 0, 0, 0], xcr0: 0x7))

    static let config21 = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"

    func testDecodesVendorFamilyModelAndExtensions() {
        let x = Self.emeraldRapids()
        XCTAssertEqual(x.signature, "GenuineIntel family 6 model 207")
        XCTAssertTrue(x.hasAVX2FMA && x.hasAVX512 && x.avx512bf16)
        XCTAssertEqual(x.summary, "AVX-512 F/CD/BW/DQ/VL/BF16")
        XCTAssertEqual(Self.emeraldRapids(bf16: false).summary, "AVX-512 F/CD/BW/DQ/VL")
        let e = Self.epyc
        XCTAssertEqual(e.signature, "AuthenticAMD family 25 model 1")
        XCTAssertTrue(e.hasAVX2FMA)
        XCTAssertFalse(e.avx512f)
        XCTAssertEqual(e.summary, "AVX2/FMA")
    }

    /// An OS (or hypervisor) that does not save ZMM state makes AVX-512 unusable, and one that
    /// does not save YMM state, AVX too, whatever CPUID's feature bits say.
    func testOperatingSystemSupportGatesTheExtensions() {
        let noZMM = Self.emeraldRapids(xcr0: 0x7)
        XCTAssertFalse(noZMM.hasAVX512)
        XCTAssertTrue(noZMM.hasAVX2FMA)
        let noYMM = Self.emeraldRapids(xcr0: 0x3)
        XCTAssertFalse(noYMM.avx || noYMM.hasAVX2FMA || noYMM.hasAVX512)
        XCTAssertEqual(noYMM.summary, "no AVX")
    }

    /// Feature flags in, core name out.
    func testCoreTable() {
        var avx2Intel = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 63)
        avx2Intel.avx = true; avx2Intel.avx2 = true; avx2Intel.fma = true
        var avx2AMD = avx2Intel
        avx2AMD.vendor = "AuthenticAMD"
        var avxOnly = avx2Intel
        avxOnly.avx2 = false; avxOnly.fma = false
        let none = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 15)
        let v21: [Int] = [0, 3, 21], v22: [Int] = [0, 3, 22]
        XCTAssertEqual(OpenBLASCore.best(for: avx2Intel, version: v21), "Haswell")
        XCTAssertEqual(OpenBLASCore.best(for: avx2AMD, version: v21), "Zen")
        XCTAssertEqual(OpenBLASCore.best(for: Self.epyc, version: v21), "Zen")
        XCTAssertEqual(OpenBLASCore.best(for: Self.emeraldRapids(bf16: false), version: v21), "SkylakeX")
        XCTAssertEqual(OpenBLASCore.best(for: Self.emeraldRapids(bf16: false), version: v22), "SkylakeX")
        // 0.3.21 does not load "Cooperlake" by name; from 0.3.22 it does.
        XCTAssertEqual(OpenBLASCore.preferred(for: Self.emeraldRapids()), ["Cooperlake", "SkylakeX", "Haswell"])
        XCTAssertEqual(OpenBLASCore.best(for: Self.emeraldRapids(), version: v21), "SkylakeX")
        XCTAssertEqual(OpenBLASCore.best(for: Self.emeraldRapids(), version: v22), "Cooperlake")
        XCTAssertEqual(OpenBLASCore.best(for: Self.emeraldRapids(), version: nil), "SkylakeX")
        XCTAssertNil(OpenBLASCore.best(for: avxOnly, version: v21))
        XCTAssertNil(OpenBLASCore.best(for: none, version: v21))
    }

    func testTiersAndVersions() {
        for fallback in ["Prescott", "Core2", "Nehalem", "Katmai", "Atom", "Penryn", "Dunnington", "Barcelona", "Opteron(SSE3)"] {
            XCTAssertEqual(OpenBLASCore.tier(of: fallback), .sse, fallback)
        }
        XCTAssertEqual(OpenBLASCore.tier(of: "Sandybridge"), .avx)
        XCTAssertEqual(OpenBLASCore.tier(of: "ZEN"), .avx2)
        XCTAssertEqual(OpenBLASCore.tier(of: "Cooperlake"), .avx512)
        XCTAssertNil(OpenBLASCore.tier(of: "Zen7"))
        XCTAssertTrue(OpenBLASCore.acceptsByName("SkylakeX", version: [0, 3, 21]))
        XCTAssertFalse(OpenBLASCore.acceptsByName("SapphireRapids", version: [0, 3, 21]))
        XCTAssertEqual(OpenBLASCore.version(config: Self.config21), [0, 3, 21])
        XCTAssertEqual(OpenBLASCore.version(config: "OpenBLAS 0.3.22.dev DYNAMIC_ARCH"), [0, 3, 22])
        XCTAssertNil(OpenBLASCore.version(config: "something else"))
        XCTAssertTrue(OpenBLASCore.isDynamic(config: Self.config21))
        XCTAssertFalse(OpenBLASCore.isDynamic(config: "OpenBLAS 0.3.21 NO_AFFINITY HASWELL MAX_THREADS=64"))
    }

    func situation(_ loaded: String, cpu: CPUFeatures = emeraldRapids(), coretype: String? = nil, marker: String? = nil,
                   pretend: String? = nil, config: String = config21) -> CoreChoice.Situation {
        CoreChoice.Situation(loaded: loaded, coretype: coretype, marker: marker, pretend: pretend, cpu: cpu, config: config)
    }

    func testPlanReexecutesOnlyOutOfAFallback() {
        XCTAssertEqual(CoreChoice.plan(situation("Prescott")), .reexec(core: "SkylakeX", marker: "SkylakeX:Prescott"))
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", config: "OpenBLAS 0.3.26 DYNAMIC_ARCH")),
                       .reexec(core: "Cooperlake", marker: "Cooperlake:Prescott"))
        XCTAssertEqual(CoreChoice.plan(situation("Haswell")), .reexec(core: "SkylakeX", marker: "SkylakeX:Haswell"))
        XCTAssertEqual(CoreChoice.plan(situation("Nehalem", cpu: Self.epyc)), .reexec(core: "Zen", marker: "Zen:Nehalem"))
        // The test hook stands in for OpenBLAS's report.
        XCTAssertEqual(CoreChoice.plan(situation("Zen", cpu: Self.epyc, pretend: "Prescott")), .reexec(core: "Zen", marker: "Zen:Prescott"))
        // Kept: OpenBLAS's pick is as good; the user set a value (even a fallback, even empty is
        // not a value); already re-executed; a build with one core; a name jamba-eval does not
        // know; a CPU without AVX2 + FMA.
        XCTAssertEqual(CoreChoice.plan(situation("Cooperlake")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("SkylakeX")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Zen", cpu: Self.epyc)), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Haswell", cpu: Self.epyc)), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", coretype: "Prescott")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", coretype: "")), .reexec(core: "SkylakeX", marker: "SkylakeX:Prescott"))
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", coretype: "SkylakeX", marker: "SkylakeX:Prescott")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", config: "OpenBLAS 0.3.21 NO_AFFINITY PRESCOTT")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Zen7")), .keep)
        XCTAssertEqual(CoreChoice.plan(situation("Prescott", cpu: CPUFeatures(vendor: "GenuineIntel", family: 6, model: 15))), .keep)
    }

    func testDescriptionSaysHowTheCoreWasChosen() {
        let chosen = CoreChoice.describe(situation("SkylakeX", coretype: "SkylakeX", marker: "SkylakeX:Prescott"))
        XCTAssertEqual(chosen.origin, .jambaEval)
        XCTAssertEqual(chosen.description, "SkylakeX (chosen by jamba-eval: OpenBLAS 0.3.21 reported Prescott for this CPU; "
                       + "CPUID has AVX-512 F/CD/BW/DQ/VL/BF16; this OpenBLAS does not accept Cooperlake by name, whose sgemm kernels these are)")
        let newer = CoreChoice.describe(situation("Cooperlake", coretype: "Cooperlake", marker: "Cooperlake:Prescott",
                                                  config: "OpenBLAS 0.3.26 DYNAMIC_ARCH"))
        XCTAssertEqual(newer.description, "Cooperlake (chosen by jamba-eval: OpenBLAS 0.3.26 reported Prescott for this CPU; CPUID has AVX-512 F/CD/BW/DQ/VL/BF16)")
        let pretended = CoreChoice.describe(situation("Zen", cpu: Self.epyc, coretype: "Zen", marker: "Zen:Prescott", pretend: "Prescott"))
        XCTAssertTrue(pretended.reason.contains("reported Prescott (pretended by JAMBA_EVAL_DEBUG_OPENBLAS_REPORTS)"), pretended.reason)
        let refused = CoreChoice.describe(situation("Haswell", coretype: "Cooperlake", marker: "Cooperlake:Prescott"))
        XCTAssertEqual(refused.core, "Haswell")
        XCTAssertTrue(refused.reason.hasPrefix("jamba-eval asked for Cooperlake because OpenBLAS 0.3.21 reported Prescott"), refused.reason)
        XCTAssertTrue(refused.reason.hasSuffix("but OpenBLAS loaded Haswell"), refused.reason)

        XCTAssertEqual(CoreChoice.describe(situation("Haswell", cpu: Self.epyc, coretype: "Haswell")).description,
                       "Haswell (OPENBLAS_CORETYPE set by the user)")
        XCTAssertEqual(CoreChoice.describe(situation("Prescott", coretype: "Prescott")).description,
                       "Prescott (OPENBLAS_CORETYPE set by the user; CPUID has AVX-512 F/CD/BW/DQ/VL/BF16, so this CPU could run SkylakeX)")
        // The marker stays in the environment, but a user who changed OPENBLAS_CORETYPE since set it.
        XCTAssertEqual(CoreChoice.describe(situation("Haswell", coretype: "Haswell", marker: "SkylakeX:Prescott")).origin, .user)
        XCTAssertEqual(CoreChoice.describe(situation("Cooperlake")).description, "Cooperlake (OpenBLAS's own choice)")
        XCTAssertEqual(CoreChoice.describe(situation("Prescott", config: "OpenBLAS 0.3.21 NO_AFFINITY PRESCOTT")).reason,
                       "OpenBLAS's own choice, a single-core build; CPUID has AVX-512 F/CD/BW/DQ/VL/BF16, so this CPU could run SkylakeX")
    }
}
