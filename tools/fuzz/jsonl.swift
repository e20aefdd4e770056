// libFuzzer entry for the jsonl target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaData so the corpus replay test runs exactly the same code.
import Foundation
import JambaData


@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    DataFuzz.record(input)
    return 0
}
