import Foundation
import JambaCheckpoint
import JambaKernels

/// A sparse mixture of experts: p = softmax(x · routerᵀ) over all experts, the top-k experts by p,
/// out = Σ w_e · MLP_e(x). Jamba (transformers' JambaSparseMoeBlock) takes w = p, NOT
/// renormalised; Mixtral (MixtralSparseMoeBlock) divides the k weights by their sum.
/// Rows are bucketed by expert (counting sort), so each expert runs one GEMM over its rows.
struct MoEBlock {
    let hidden: Int, experts: Int, topK: Int
    let renormalize: Bool
    let router: Linear        // [E, d]
    let mlps: [GatedMLP]

    init(_ source: TensorSource, layer i: Int, config c: ModelConfiguration) throws {
        let n = c.architecture.schema.layer(i)
        hidden = c.hiddenSize; experts = c.numExperts; topK = c.numExpertsPerTok
        renormalize = c.architecture.renormalizesTopK
        let f = c.intermediateSize, d = c.hiddenSize
        // The first layout whose router is in the checkpoint; the first layout when none is (its
        // names then appear in the missing-tensor error).
        let names = n.experts.first { source.contains($0.router) } ?? n.experts[0]
        router = try Linear(source, names.router, out: experts, in: d)
        if source.contains(names.fusedGateUp) {
            // Fused layout: gate rows first in gate_up_proj [E, 2F, d]; down_proj [E, d, F].
            let gateUp = try source.matrix(names.fusedGateUp, shape: [experts, 2 * f, d])
            let down = try source.matrix(names.fusedDown, shape: [experts, d, f])
            mlps = (0..<experts).map { e in
                let gu = gateUp.slice(e)
                return GatedMLP(gate: Linear(weight: gu.rows(0, f)), up: Linear(weight: gu.rows(f, f)),
                                down: Linear(weight: down.slice(e)))
            }
        } else {
            mlps = try (0..<experts).map { e in
                let x = names.perExpert(e)
                return GatedMLP(gate: try Linear(source, x.gate, out: f, in: d),
                                up: try Linear(source, x.up, out: f, in: d),
                                down: try Linear(source, x.down, out: d, in: f))
            }
        }
    }

    /// h [R, d] += MoE(x [R, d]).
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, rows: Int, ws: Workspace, context: ComputeContext) {
        let logits = ws.router.pointer, topIndex = ws.topIndex, topWeight = ws.topWeight.pointer
        router.apply(logits, ldOut: experts, x, ldX: hidden, rows: rows, context: context)
        for r in 0..<rows {
            let p = logits + r * experts
            Softmax.inPlace(p, count: experts)
            Self.route(p, experts: experts, topK: topK, renormalize: renormalize,
                       index: topIndex + r * topK, weight: topWeight + r * topK)
        }
        // Bucket (row, weight) pairs by expert, rows ascending within a bucket.
        let start = ws.expertStart, routeRows = ws.routeRows, routeWeights = ws.routeWeights.pointer
        start.update(repeating: 0, count: experts + 1)
        for i in 0..<rows * topK { start[Int(topIndex[i]) + 1] += 1 }
        for e in 0..<experts { start[e + 1] += start[e] }
        for r in 0..<rows {
            for j in 0..<topK {
                let e = Int(topIndex[r * topK + j])
                let slot = start[e]
                routeRows[slot] = Int32(r)
                routeWeights[slot] = topWeight[r * topK + j]
                start[e] += 1
            }
        }
        // start[e] now holds the end of bucket e; shift back to starts.
        for e in stride(from: experts, to: 0, by: -1) { start[e] = start[e - 1] }
        start[0] = 0
        // Each expert: gather its rows, one gated MLP over them, scatter-add p · out.
        let gathered = ws.gathered.pointer, out = ws.expertOut.pointer
        for e in 0..<experts {
            let lo = start[e], n = start[e + 1] - lo
            if n == 0 { continue }
            for i in 0..<n { (gathered + i * hidden).update(from: x + Int(routeRows[lo + i]) * hidden, count: hidden) }
            mlps[e].forward(gathered, rows: n, into: out, accumulate: false,
                            gateScratch: ws.gate.pointer, upScratch: ws.up.pointer, context: context)
            for i in 0..<n {
                Elementwise.addScaled(h + Int(routeRows[lo + i]) * hidden, out + i * hidden,
                                      alpha: routeWeights[lo + i], count: hidden)
            }
        }
    }

    /// The k largest of p [E] (first index on ties, as torch.topk on CPU), in descending order, and
    /// their weights (divided by their sum when renormalising). Total: every pick is a valid expert
    /// whatever p holds; NaN counts as the smallest value, so a NaN router never indexes outside.
    static func route(_ p: UnsafePointer<Float>, experts: Int, topK: Int, renormalize: Bool,
                      index: UnsafeMutablePointer<Int32>, weight: UnsafeMutablePointer<Float>) {
        for j in 0..<topK {
            var best = -1
            var bestP = -Float.infinity
            for e in 0..<experts {
                var taken = false
                for q in 0..<j where index[q] == Int32(e) { taken = true }
                if taken { continue }
                let v = p[e].isNaN ? -Float.infinity : p[e]
                if best < 0 || v > bestP { best = e; bestP = v }
            }
            index[j] = Int32(best)
            weight[j] = p[best]
        }
        if renormalize {
            var sum: Float = 0
            for j in 0..<topK { sum += weight[j] }
            for j in 0..<topK { weight[j] /= sum }
        }
    }

    var parameterCount: Int { router.parameterCount + mlps.reduce(0) { $0 + $1.parameterCount } }
    var byteCount: Int { router.byteCount + mlps.reduce(0) { $0 + $1.byteCount } }
    var activeParameterCount: Int { router.parameterCount + topK * (mlps.first?.parameterCount ?? 0) }
}
