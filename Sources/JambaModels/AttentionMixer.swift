import JambaCheckpoint
import JambaKernels

/// The attention mixer (transformers' JambaAttention, LlamaAttention, MistralAttention with eager
/// attention): grouped-query and causal. Jamba's has no positions; the others rotate q and k by
/// their absolute positions (rotary tables the model fills once per forward) and Mistral's may see
/// only a sliding window of keys. New keys and values are appended to each sequence's cache and
/// the queries attend over the cache.
struct AttentionMixer {
    let hidden: Int, heads: Int, kvHeads: Int, headDim: Int
    let q: Linear, k: Linear, v: Linear, o: Linear
    let rotary: Bool
    let window: Int?

    init(_ source: TensorSource, layer i: Int, config c: ModelConfiguration) throws {
        let n = c.architecture.schema.layer(i)
        hidden = c.hiddenSize; heads = c.numAttentionHeads; kvHeads = c.numKeyValueHeads; headDim = c.headDim
        let bias = c.attentionBias
        q = try Linear(source, n.qProj, out: heads * headDim, in: hidden, bias: bias ? n.qProjBias : nil)
        k = try Linear(source, n.kProj, out: kvHeads * headDim, in: hidden, bias: bias ? n.kProjBias : nil)
        v = try Linear(source, n.vProj, out: kvHeads * headDim, in: hidden, bias: bias ? n.vProjBias : nil)
        o = try Linear(source, n.oProj, out: hidden, in: heads * headDim, bias: bias ? n.oProjBias : nil)
        rotary = c.rotary != nil
        window = c.attentionWindow
    }

    /// h [R, d] += Attention(x [R, d]) with each sequence's keys and values appended to its cache.
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, batch: PackedBatch,
                 states: [SequenceState], layer: Int, ws: Workspace, context: ComputeContext) {
        let rows = batch.rows, qw = heads * headDim, kvw = kvHeads * headDim
        let qs = ws.q.pointer, ks = ws.k.pointer, vs = ws.v.pointer, out = ws.attention.pointer
        context.measure("attention.qkv") {
            q.apply(qs, ldOut: qw, x, ldX: hidden, rows: rows, context: context)
            k.apply(ks, ldOut: kvw, x, ldX: hidden, rows: rows, context: context)
            v.apply(vs, ldOut: kvw, x, ldX: hidden, rows: rows, context: context)
        }
        if rotary {
            // apply_rotary_pos_emb: q and k of every head turned by their row's angles.
            context.measure("attention.rope") {
                Rotary.apply(qs, ld: qw, rows: rows, heads: heads, headDim: headDim, cos: ws.ropeCos.pointer, sin: ws.ropeSin.pointer, context: context)
                Rotary.apply(ks, ld: kvw, rows: rows, heads: kvHeads, headDim: headDim, cos: ws.ropeCos.pointer, sin: ws.ropeSin.pointer, context: context)
            }
        }
        context.measure("attention.core") {
        for s in 0..<batch.count where batch.lengths[s] > 0 {
            let o = batch.offsets[s], t = batch.lengths[s], cache = states[s].kvCache(layer)
            cache.append(keys: ks + o * kvw, values: vs + o * kvw, ld: kvw, rows: t)
            CausalAttention.apply(out + o * qw, ldOut: qw, q: qs + o * qw, ldQ: qw,
                                  k: cache.keys, v: cache.values, ldKV: kvw,
                                  queries: t, keys: cache.count, heads: heads, kvHeads: kvHeads, headDim: headDim, window: window,
                                  scratch: ws.attentionScratch.pointer, scratchParts: ws.attentionParts, context: context)
        }
        }
        context.measure("attention.o_proj") { self.o.apply(h, ldOut: hidden, out, ldX: qw, rows: rows, accumulate: true, context: context) }
    }

    var parameterCount: Int { q.parameterCount + k.parameterCount + v.parameterCount + o.parameterCount }
    var byteCount: Int { q.byteCount + k.byteCount + v.byteCount + o.byteCount }
}
