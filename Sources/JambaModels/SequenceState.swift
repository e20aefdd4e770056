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
/// Grows by doubling; `reserve` sizes it up front so decoding never reallocates.
public final class KVCache {
    public let width: Int
    public private(set) var count = 0
    public private(set) var capacity = 0
    private var keyBuffer: FloatBuffer
    private var valueBuffer: FloatBuffer

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = capacity
        keyBuffer = FloatBuffer(count: capacity * width)
        valueBuffer = FloatBuffer(count: capacity * width)
    }

    public var keys: UnsafePointer<Float> { UnsafePointer(keyBuffer.pointer) }
    public var values: UnsafePointer<Float> { UnsafePointer(valueBuffer.pointer) }

    public func reserve(_ n: Int) {
        guard n > capacity else { return }
        let k = FloatBuffer(count: n * width), v = FloatBuffer(count: n * width)
        k.pointer.update(from: keyBuffer.pointer, count: count * width)
        v.pointer.update(from: valueBuffer.pointer, count: count * width)
        keyBuffer = k; valueBuffer = v; capacity = n
    }

    /// Appends `rows` keys and values read with row stride ld.
    func append(keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, ld: Int, rows: Int) {
        if count + rows > capacity { reserve(max(count + rows, 2 * capacity, 16)) }
        for r in 0..<rows {
            (keyBuffer.pointer + (count + r) * width).update(from: k + r * ld, count: width)
            (valueBuffer.pointer + (count + r) * width).update(from: v + r * ld, count: width)
        }
        count += rows
    }

    func copy() -> KVCache {
        let c = KVCache(width: width, capacity: count)
        c.append(keys: keys, values: values, ld: width, rows: count)
        return c
    }

    /// Bytes held by the cached rows (what grows with context), not the reserved capacity.
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
    public internal(set) var position = 0

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
