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
    /// Every expert projection Float32 without bias: what the grouped decode path multiplies.
    let plainF32: Bool

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
        plainF32 = mlps.allSatisfy { m in
            [m.gate, m.up, m.down].allSatisfy { l in
                guard l.bias == nil, case .f32 = l.weight.data else { return false }
                return true
            }
        }
    }

    /// h [R, d] += MoE(x [R, d]). `grouped: false` keeps a decode step expert by expert (the twin
    /// the grouped products are tested against).
    func forward(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, rows: Int, ws: Workspace, context: ComputeContext,
                 grouped: Bool = true) {
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
        for e in 0..<experts where start[e + 1] > start[e] { ws.expertsRun += 1 }
        if grouped && groupedFits(rows: rows, ws: ws, context: context) {
            forwardGrouped(x, into: h, rows: rows, ws: ws, context: context)
            return
        }
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

    /// Whether a batched decode step can run every expert's products as two grouped calls: a few
    /// rows (each expert then sees at most `SkinnyGEMM.maxRows`), room in the workspace for all
    /// routed rows at once, Float32 experts, and inside a decode step (where one row goes to
    /// SkinnyGEMM too, so the bits are those of the expert-by-expert path).
    func groupedFits(rows: Int, ws: Workspace, context: ComputeContext) -> Bool {
        plainF32 && context.oneRowOnEngineKernels && rows <= SkinnyGEMM.maxRows && rows * topK <= ws.rows
    }

    /// The expert-by-expert path's products, as two hand-overs to the threads instead of three per
    /// expert: every routed expert's gate and up (rows gathered in bucket order, so expert e's rows
    /// sit at start[e]), SiLU · up over all of them, then every down. Scatter-adds in the same
    /// order as that path, so h gets the same bits. At batch 8 each expert sees about 2 rows of a
    /// 15 MB matrix, and the per-call hand-over, ramp and wait for the slower thread came 96 times
    /// a jamba-mini step.
    private func forwardGrouped(_ x: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, rows: Int, ws: Workspace,
                                context: ComputeContext) {
        let start = ws.expertStart, routeRows = ws.routeRows, routeWeights = ws.routeWeights.pointer
        let gathered = ws.gathered.pointer, out = ws.expertOut.pointer
        let gate = ws.gate.pointer, up = ws.up.pointer
        let d = hidden, f = mlps[0].intermediate, routed = start[experts]
        for i in 0..<routed { (gathered + i * d).update(from: x + Int(routeRows[i]) * d, count: d) }
        func f32(_ l: Linear) -> UnsafePointer<Float> {
            if case .f32(let p) = l.weight.data { return p }
            preconditionFailure("groupedFits admits Float32 experts only")
        }
        withUnsafeTemporaryAllocation(of: SkinnyGEMM.Product.self, capacity: 2 * experts) { products in
            var count = 0
            for e in 0..<experts where start[e + 1] > start[e] {
                let lo = start[e], n = start[e + 1] - lo, m = mlps[e]
                products.initializeElement(at: count, to: .init(out: gate + lo * f, ldOut: f, x: gathered + lo * d, ldX: d,
                                                                  w: f32(m.gate), ldW: d, m: n, n: f, k: d, accumulate: false))
                products.initializeElement(at: count + 1, to: .init(out: up + lo * f, ldOut: f, x: gathered + lo * d, ldX: d,
                                                                      w: f32(m.up), ldW: d, m: n, n: f, k: d, accumulate: false))
                count += 2
            }
            SkinnyGEMM.applyGrouped(UnsafeBufferPointer(rebasing: products[0..<count]), context: context)
            context.forRanges(routed, work: routed * f * 20) { range in
                for r in range { Elementwise.siluMul(gate + r * f, up + r * f, count: f) }
            }
            count = 0
            for e in 0..<experts where start[e + 1] > start[e] {
                let lo = start[e], n = start[e + 1] - lo
                products[count] = .init(out: out + lo * d, ldOut: d, x: gate + lo * f, ldX: f,
                                        w: f32(mlps[e].down), ldW: f, m: n, n: d, k: f, accumulate: false)
                count += 1
            }
            SkinnyGEMM.applyGrouped(UnsafeBufferPointer(rebasing: products[0..<count]), context: context)
        }
        for i in 0..<routed {
            Elementwise.addScaled(h + Int(routeRows[i]) * d, out + i * d, alpha: routeWeights[i], count: d)
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
