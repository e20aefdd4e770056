// swift-tools-version:6.0
import PackageDescription

// Numeric targets are compiled in Swift 5 language mode: the kernels hand disjoint slices of one raw
// buffer to worker threads, which is safe by construction but not expressible to Swift 6's
// data-race checker without copying. Everything else follows Swift 6 semantics.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "jamba-eval",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "jamba-eval", targets: ["jamba-eval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        // The one stable hash and seeded generator, below everything (weights, datasets and
        // fingerprints must not change with the toolchain), and the one reader of /proc (ProcFS,
        // AvailableMemory).
        .target(name: "JambaSupport", swiftSettings: v5),
        // The one JSON value type and parser (safetensors headers, tokenizer.json, task records).
        .target(name: "JambaJSON", swiftSettings: v5),
        // CPUID and XCR0, read directly: which OpenBLAS kernels the CPU runs (CoreChoice.swift).
        .target(name: "CCPUID"),
        .target(name: "JambaKernels", dependencies: ["COpenBLAS", "CCPUID"], swiftSettings: v5),
        .target(name: "JambaCheckpoint", dependencies: ["JambaKernels", "JambaJSON"], swiftSettings: v5),
        .target(name: "JambaModels", dependencies: ["JambaKernels", "JambaCheckpoint", "JambaSupport", "JambaJSON"], swiftSettings: v5),
        .target(name: "JambaTokenizers", dependencies: ["JambaJSON"], swiftSettings: v5),
        .target(name: "JambaData", dependencies: ["CZstd", "JambaSupport", "JambaJSON"], swiftSettings: v5),
        .target(name: "JambaEval", dependencies: ["JambaModels", "JambaCheckpoint", "JambaSupport", "JambaKernels", "JambaData", "JambaTokenizers", "JambaJSON",
                                                 .product(name: "Yams", package: "Yams")],
                swiftSettings: v5),
        // LAPACKE (through COpenBLAS) for the prefill fit's least squares, a statistics routine kept
        // beside the report that uses it rather than among the kernels.
        .target(name: "JambaReport", dependencies: ["JambaEval", "JambaModels", "JambaData", "JambaKernels", "JambaSupport", "COpenBLAS"], swiftSettings: v5),
        .executableTarget(
            name: "jamba-eval",
            dependencies: [
                "JambaReport", "JambaEval", "JambaData", "JambaTokenizers", "JambaModels", "JambaCheckpoint", "JambaKernels", "JambaSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: v5),
        .testTarget(name: "JambaJSONTests", dependencies: ["JambaJSON"], swiftSettings: v5),
        .testTarget(name: "JambaDataTests", dependencies: ["JambaData", "JambaJSON"], swiftSettings: v5),
        .testTarget(name: "JambaEvalTests", dependencies: ["JambaEval", "JambaData", "JambaReport", "JambaModels", "JambaKernels", "JambaCheckpoint",
                                                      .product(name: "Yams", package: "Yams")], swiftSettings: v5),
        .testTarget(name: "JambaReportTests", dependencies: ["JambaReport", "JambaEval", "JambaSupport"], swiftSettings: v5),
        .testTarget(name: "JambaKernelsTests", dependencies: ["JambaKernels", "JambaSupport"], swiftSettings: v5),
        .testTarget(name: "JambaCheckpointTests", dependencies: ["JambaCheckpoint", "JambaSupport"], swiftSettings: v5),
        // Tests find Tests/Fixtures through #filePath, so the fixtures are not copied into bundles.
        .testTarget(name: "JambaModelsTests", dependencies: ["JambaModels", "JambaCheckpoint", "JambaKernels", "JambaSupport"], swiftSettings: v5),
        .testTarget(name: "JambaTokenizersTests", dependencies: ["JambaTokenizers", "JambaSupport"], swiftSettings: v5),
    ]
)
