// Encode speed of JambaTokenizers on one thread, the Swift half of benchmarks/tokenizer/README.md.
//
//   tokenizer-bench MODEL_FOLDER TEXT_FILE [--whole] [--repeat N]
//
// Encodes TEXT_FILE line by line (each line with its "\n", without special tokens), as
// bench_python.py does with `tokenizers`, and prints the best of N runs as MB/s and tokens/s, with
// a checksum of all ids so both sides can be seen to produce the same tokens. --whole encodes the
// file as one string instead.
import Foundation
import JambaTokenizers

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var whole = false
var repeats = 3
if let index = arguments.firstIndex(of: "--whole") {
    whole = true
    arguments.remove(at: index)
}
if let index = arguments.firstIndex(of: "--repeat"), index + 1 < arguments.count {
    repeats = Int(arguments[index + 1]) ?? 3
    arguments.removeSubrange(index...(index + 1))
}
guard arguments.count == 2 else { fail("usage: tokenizer-bench MODEL_FOLDER TEXT_FILE [--whole] [--repeat N]") }

let loadStart = Date()
let tokenizer: any Tokenizer
do {
    tokenizer = try loadTokenizer(from: URL(fileURLWithPath: arguments[0]))
} catch {
    fail("\(error)")
}
let loadSeconds = Date().timeIntervalSince(loadStart)
guard let data = FileManager.default.contents(atPath: arguments[1]),
      let text = String(data: data, encoding: .utf8) else { fail("cannot read \(arguments[1]) as UTF-8") }

// Lines keep their newline, like Python's str.splitlines(keepends=True) on "\n"-only text.
var lines: [String] = []
if whole {
    lines = [text]
} else {
    var start = text.utf8.startIndex
    for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: "\n") {
        let end = text.utf8.index(after: index)
        lines.append(String(text[start..<end]))
        start = end
    }
    if start < text.utf8.endIndex { lines.append(String(text[start...])) }
}

var best = Double.infinity
var tokens = 0
var checksum: UInt64 = 0
for _ in 0..<max(1, repeats) {
    var count = 0
    var sum: UInt64 = 0
    let started = DispatchTime.now().uptimeNanoseconds
    for line in lines {
        let ids = tokenizer.encode(line, addSpecialTokens: false)
        count += ids.count
        for id in ids { sum = sum &* 31 &+ UInt64(id) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    best = min(best, seconds)
    tokens = count
    checksum = sum
}
let megabytes = Double(data.count) / 1e6
print(String(format: "swift  %@  %.2f MB  %d lines  %d tokens  checksum %llu", arguments[0], megabytes,
             lines.count, tokens, checksum))
print(String(format: "swift  load %.3f s  encode best of %d: %.3f s  %.2f MB/s  %.0f tokens/s",
             loadSeconds, repeats, best, megabytes / best, Double(tokens) / best))
