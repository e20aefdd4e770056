import Foundation

/// What the suite YAML fuzz target runs on each input (tools/fuzz, `make fuzz`) and the corpus
/// replay test on every committed input. Errors are expected; a trap is the finding.
public enum SuiteFuzz {
    /// A suite file's text, parsed as `validate` and `run` parse it (no file is opened).
    public static func suite(_ bytes: UnsafeRawBufferPointer) {
        guard let suite = try? Suite.parse(String(decoding: bytes, as: UTF8.self), file: URL(fileURLWithPath: "/fuzz/suite.yaml")) else { return }
        if let t = suite.throughput { for b in t.batch { _ = t.tests(batch: b) } }
    }
}
