// libFuzzer entry for the safetensors target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaCheckpoint so the corpus replay test runs exactly the same code.
import Foundation
import JambaCheckpoint


@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    CheckpointFuzz.safetensors(input)
    return 0
}
