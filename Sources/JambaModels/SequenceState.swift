import JambaKernels

/// A Mamba layer's carried state for one sequence: the last K-1 conv inputs and the SSM state.
public final class MambaState {
    /// [K-1, d_inner], oldest input first.
    public let conv: FloatBuffer
    /// [d_state, d_inner]: transposed from transformers' [d_inner, d_state] so the scan loads 16
    /// channels of one state as a vector (see SelectiveScan).
    public let ssm: FloatBuffer

    init(kernel: Int, channels: Int, states: Int) {
        conv = FloatBuffer(count: (kernel - 1) * channels)
        ssm = FloatBuffer(count: states * channels)
    }

    private init(copying other: MambaState) {
        conv = FloatBuffer(count: other.conv.count)
        ssm = FloatBuffer(count: other.ssm.count)
        conv.pointer.update(from: other.conv.pointer, count: conv.count)
        ssm.pointer.update(from: other.ssm.pointer, count: ssm.count)
    }

    func copy() -> MambaState { MambaState(copying: self) }

    var bytes: Int { 4 * (conv.count + ssm.count) }
    func reset() { conv.fill(0); ssm.fill(0) }
}

/// An attention layer's keys and values for one sequence, [count, kv_heads · head_dim] each.
/// Grows by doubling; `reserve` sizes it up front so decoding never reallocates. With a sliding
/// window W (Mistral), a query needs only the W - 1 keys before it, so the cache keeps at most
/// about 2W rows: when full, the oldest rows beyond the last W - 1 are dropped (one move every W
/// or so appended rows). Row 0 is then not position 0; attention only needs rows relative to the
/// newest, so nothing else changes.
public final class KVCache {
    public let width: Int
    /// Keys a query sees (itself included), nil for all.
    public let window: Int?
    public private(set) var count = 0
    public private(set) var capacity = 0
    private var keyBuffer: FloatBuffer
    private var valueBuffer: FloatBuffer

    init(width: Int, capacity: Int, window: Int? = nil) {
        self.width = width
        self.window = window
        let capacity = window.map { min(capacity, 2 * $0) } ?? capacity
        self.capacity = capacity
        keyBuffer = FloatBuffer(count: capacity * width)
        valueBuffer = FloatBuffer(count: capacity * width)
    }

    public var keys: UnsafePointer<Float> { UnsafePointer(keyBuffer.pointer) }
    public var values: UnsafePointer<Float> { UnsafePointer(valueBuffer.pointer) }

    /// Room for n rows (at most 2W with a window) so appending never reallocates.
    public func reserve(_ n: Int) {
        let n = window.map { min(n, 2 * $0) } ?? n
        if n > capacity { resize(n) }
    }

    private func resize(_ n: Int) {
        let k = FloatBuffer(count: n * width), v = FloatBuffer(count: n * width)
        k.pointer.update(from: keyBuffer.pointer, count: count * width)
        v.pointer.update(from: valueBuffer.pointer, count: count * width)
        keyBuffer = k; valueBuffer = v; capacity = n
    }

    /// Appends `rows` keys and values read with row stride ld.
    func append(keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, ld: Int, rows: Int) {
        if let w = window, count + rows > capacity, count > w - 1 {
            // Keep the last W - 1 rows: the first new query's window reaches no further back.
            let keep = w - 1, drop = count - keep
            keyBuffer.pointer.update(from: keyBuffer.pointer + drop * width, count: keep * width)
            valueBuffer.pointer.update(from: valueBuffer.pointer + drop * width, count: keep * width)
            count = keep
        }
        if count + rows > capacity {
            var n = max(count + rows, 2 * capacity, 16)
            if let w = window { n = max(count + rows, min(n, 2 * w)) }
            resize(n)
        }
        for r in 0..<rows {
            (keyBuffer.pointer + (count + r) * width).update(from: k + r * ld, count: width)
            (valueBuffer.pointer + (count + r) * width).update(from: v + r * ld, count: width)
        }
        count += rows
    }

    func copy() -> KVCache {
        let c = KVCache(width: width, capacity: count, window: window)
        c.append(keys: keys, values: values, ld: width, rows: count)
        return c
    }

    /// Bytes held by the cached rows (what grows with context, up to the window), not the
    /// reserved capacity.
    var bytes: Int { 2 * 4 * count * width }
    func reset() { count = 0 }
}

/// One layer's state: a closed set, switched over, never cast.
public enum LayerState {
    case attention(KVCache)
    case mamba(MambaState)
}

/// Everything one sequence carries between forward calls: one entry per layer and the number of
/// tokens it has consumed. A copy is a snapshot (answer several questions after one long context).
public final class SequenceState {
    public private(set) var layers: [LayerState]
    /// Tokens consumed so far: the position of the next token (rotary angles start here).
    public internal(set) var position = 0
    /// The length this sequence will have once the prefill in progress is done. Dynamic rotary
    /// scaling takes its frequencies from the whole prompt's length, as transformers does when
    /// it reads the prompt in one forward, so a prompt read in chunks gets the same ones.
    public var plannedLength = 0

    init(layers: [LayerState]) { self.layers = layers }

    /// Layer i's Mamba state; the model only asks for the kind the layer plan says it holds.
    @inline(__always) func mamba(_ i: Int) -> MambaState {
        guard case .mamba(let m) = layers[i] else { preconditionFailure("layer \(i) holds no Mamba state") }
        return m
    }

    @inline(__always) func kvCache(_ i: Int) -> KVCache {
        guard case .attention(let kv) = layers[i] else { preconditionFailure("layer \(i) holds no KV cache") }
        return kv
    }

    public func copy() -> SequenceState {
        let s = SequenceState(layers: layers.map {
            switch $0 {
            case .attention(let kv): return .attention(kv.copy())
            case .mamba(let m): return .mamba(m.copy())
            }
        })
        s.position = position
        s.plannedLength = plannedLength
        return s
    }

    public func reset() {
        for layer in layers {
            switch layer {
            case .attention(let kv): kv.reset()
            case .mamba(let m): m.reset()
            }
        }
        position = 0
        plannedLength = 0
    }

    /// Room for `tokens` cached tokens in every attention layer, so decoding never reallocates.
    public func reserveCache(_ tokens: Int) {
        for case .attention(let kv) in layers { kv.reserve(tokens) }
    }

    /// Bytes of state: flat Mamba state plus the K/V rows cached so far.
    public var bytes: Int {
        layers.reduce(0) { total, layer in
            switch layer {
            case .attention(let kv): return total + kv.bytes
            case .mamba(let m): return total + m.bytes
            }
        }
    }
}
