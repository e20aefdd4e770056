// libFuzzer entry for the zstd target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaData so the corpus replay test runs exactly the same code.
import Foundation
import JambaData

/// Each process writes its inputs to its own scratch file (TaskReader reads regular files only);
/// no .zst suffix, so the reader tells zstd from plain JSONL by the magic number, as for users.
let scratch = "/tmp/jamba-eval-fuzz-\(getpid()).jsonl"
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    DataFuzz.taskFile(input, scratch: scratch)
    return 0
}
