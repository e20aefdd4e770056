// libFuzzer entry for the tokenizer target (tools/fuzz/build.sh, `make fuzz`). The work is in
// JambaTokenizers so the corpus replay test runs exactly the same code.
import Foundation
import JambaTokenizers


@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    TokenizerFuzz.tokenizerJSON(input)
    return 0
}
