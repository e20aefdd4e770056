/// What the safetensors fuzz target runs on each input (tools/fuzz, `make fuzz`), and what the
/// corpus replay test runs on every committed input: the same code, so a crash libFuzzer found
/// stays fixed. Errors are the expected outcome for most inputs; a trap is the finding.
public enum CheckpointFuzz {
    /// A whole safetensors file. When it validates, every entry must lie inside the data and
    /// match its dtype and shape exactly (the invariants the loader relies on).
    public static func safetensors(_ bytes: UnsafeRawBufferPointer) {
        guard let (tensors, _, start) = try? SafetensorsFile.parse(bytes, path: "fuzz.safetensors") else { return }
        for t in tensors.values {
            precondition(t.begin >= 0 && t.begin <= t.end && start + t.end <= bytes.count, "entry outside the data")
            precondition(t.elementCount * t.dtype.byteSize == t.end - t.begin, "entry size differs from its shape")
        }
    }
}
