// libFuzzer entry for the config target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaModels so the corpus replay test runs exactly the same code.
import Foundation
import JambaModels


@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    ConfigFuzz.config(input)
    return 0
}
