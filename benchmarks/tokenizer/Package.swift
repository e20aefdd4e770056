// swift-tools-version:6.0
// The tokenizer benchmark as its own small package, so it builds without the rest of jamba-eval:
//   cd benchmarks/tokenizer && swift run -c release tokenizer-bench MODEL_FOLDER TEXT_FILE
// Sources/JambaTokenizers is a symlink to the library's sources in the main package.
import PackageDescription

let package = Package(
    name: "tokenizer-bench",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "JambaTokenizers", path: "Sources/JambaTokenizers",
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "tokenizer-bench", dependencies: ["JambaTokenizers"],
                          path: "Sources/tokenizer-bench", swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
