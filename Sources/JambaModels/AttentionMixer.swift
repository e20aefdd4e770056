import JambaCheckpoint
import JambaKernels

/// Jamba's attention mixer (transformers' JambaAttention with eager attention): grouped-query,
/// causal, no positional encoding. New keys and values are appended to each sequence's cache and
/// the queries attend over the whole cache.
struct AttentionMixer {
    let hidden: Int, heads: Int, kvHeads: Int, headDim: Int
    let q: Linear, k: Linear, v: Linear, o: Linear

    init(_ source: TensorSource, layer i: Int, config c: JambaConfiguration) throws {
        let n = WeightNames.layer(i)
        hidden = c.hiddenSize; heads = c.numAttentionHeads; kvHeads = c.numKeyValueHeads; headDim = c.headDim
        q = try Linear(source, n.qProj, out: heads * headDim, in: hidden)
        k = try Linear(source, n.kProj, out: kvHeads * headDim, in: hidden)
        v = try Linear(source, n.vProj, out: kvHeads * headDim, in: hidden)
        o = try Linear(source, n.oProj, out: hidden, in: heads * headDim)
    }

    /// h [R, d] += Attention(x [R, d]) with each sequence's keys and values appended to its cache.
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, batch: PackedBatch,
                 states: [SequenceState], layer: Int, ws: Workspace) {
        let rows = batch.rows, qw = heads * headDim, kvw = kvHeads * headDim
        let qs = ws.q.pointer, ks = ws.k.pointer, vs = ws.v.pointer, out = ws.attention.pointer
        Profiler.measure("attention.qkv") {
            q.apply(qs, ldOut: qw, x, ldX: hidden, rows: rows)
            k.apply(ks, ldOut: kvw, x, ldX: hidden, rows: rows)
            v.apply(vs, ldOut: kvw, x, ldX: hidden, rows: rows)
        }
        Profiler.measure("attention.core") {
        for s in 0..<batch.count where batch.lengths[s] > 0 {
            let o = batch.offsets[s], t = batch.lengths[s], cache = states[s].kvCache(layer)
            cache.append(keys: ks + o * kvw, values: vs + o * kvw, ld: kvw, rows: t)
            CausalAttention.apply(out + o * qw, ldOut: qw, q: qs + o * qw, ldQ: qw,
                                  k: cache.keys, v: cache.values, ldKV: kvw,
                                  queries: t, keys: cache.count, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                  scratch: ws.attentionScratch.pointer, scratchParts: ws.attentionParts)
        }
        }
        Profiler.measure("attention.o_proj") { self.o.apply(h, ldOut: hidden, out, ldX: qw, rows: rows, accumulate: true) }
    }

    var parameterCount: Int { q.parameterCount + k.parameterCount + v.parameterCount + o.parameterCount }
}
