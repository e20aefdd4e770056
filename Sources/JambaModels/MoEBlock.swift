import Foundation
import JambaCheckpoint
import JambaKernels

/// Jamba's sparse mixture of experts (transformers' JambaSparseMoeBlock): p = softmax(x · routerᵀ)
/// over all experts, the top-k experts by p, out = Σ p_e · MLP_e(x) with p NOT renormalised.
/// Rows are bucketed by expert (counting sort), so each expert runs one GEMM over its rows.
struct MoEBlock {
    let hidden: Int, experts: Int, topK: Int
    let router: Linear        // [E, d]
    let mlps: [GatedMLP]

    init(_ source: TensorSource, layer i: Int, config c: JambaConfiguration) throws {
        let n = WeightNames.layer(i)
        hidden = c.hiddenSize; experts = c.numExperts; topK = c.numExpertsPerTok
        let f = c.intermediateSize, d = c.hiddenSize
        router = try Linear(source, n.router, out: experts, in: d)
        if source.contains(n.expertsGateUp) {
            // Fused layout: gate rows first in gate_up_proj [E, 2F, d]; down_proj [E, d, F].
            let gateUp = try source.tensor(n.expertsGateUp, shape: [experts, 2 * f, d])
            let down = try source.tensor(n.expertsDown, shape: [experts, d, f])
            mlps = (0..<experts).map { e in
                let gu = gateUp.slice(e)
                return GatedMLP(gate: Linear(weight: gu.rows(0, f)), up: Linear(weight: gu.rows(f, f)),
                                down: Linear(weight: down.slice(e)))
            }
        } else {
            mlps = try (0..<experts).map { e in
                GatedMLP(gate: try Linear(source, n.expertGate(e), out: f, in: d),
                         up: try Linear(source, n.expertUp(e), out: f, in: d),
                         down: try Linear(source, n.expertDown(e), out: d, in: f))
            }
        }
    }

    /// h [R, d] += MoE(x [R, d]).
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, rows: Int, ws: Workspace) {
        let logits = ws.router.pointer, topIndex = ws.topIndex, topWeight = ws.topWeight.pointer
        router.apply(logits, ldOut: experts, x, ldX: hidden, rows: rows)
        // Route: softmax in float32 over all experts, then the k largest (first index on ties).
        for r in 0..<rows {
            let p = logits + r * experts
            Softmax.inPlace(p, count: experts)
            for j in 0..<topK {
                var best = -1
                var bestP = -Float.infinity
                for e in 0..<experts where p[e] > bestP {
                    var taken = false
                    for q in 0..<j where topIndex[r * topK + q] == Int32(e) { taken = true }
                    if !taken { best = e; bestP = p[e] }
                }
                topIndex[r * topK + j] = Int32(best)
                topWeight[r * topK + j] = bestP
            }
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
                            gateScratch: ws.gate.pointer, upScratch: ws.up.pointer)
            for i in 0..<n {
                Elementwise.addScaled(h + Int(routeRows[lo + i]) * hidden, out + i * hidden,
                                      alpha: routeWeights[lo + i], count: hidden)
            }
        }
    }

    var parameterCount: Int { router.parameterCount + mlps.reduce(0) { $0 + $1.parameterCount } }
    var activeParameterCount: Int { router.parameterCount + topK * (mlps.first?.parameterCount ?? 0) }
}
