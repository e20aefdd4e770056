// libFuzzer entry for the suite target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaEval so the corpus replay test runs exactly the same code.
import Foundation
import JambaEval


@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    SuiteFuzz.suite(input)
    return 0
}
