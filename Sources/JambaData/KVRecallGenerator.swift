import JambaJSON

/// Generates MQAR records directly as token ids (no tokenizer): exactly `length` ids each.
///
///     k1 v1 k2 v2 … kN vN | f f kq vq f kq' vq' f …
///
/// The query region is cut into two-token slots; each query takes a random slot (key, then its
/// value), the rest is filler. `positions` holds [index of the query key, value id]: the model's
/// argmax there must be the value. As in Zoology the answer follows in the input, which a causal
/// model cannot see when predicting it, so one forward pass scores every query.
public struct KVRecallGenerator {
    public let configuration: KVRecallConfiguration

    public init(configuration: KVRecallConfiguration) {
        self.configuration = configuration
    }

    public func record(length: Int, sample: Int, seed: UInt64) throws -> TaskRecord {
        let c = configuration
        try c.validate(length: length)
        var rng = SeededRandom(seed: seed, labels: [c.task, String(length), String(c.vocabulary), String(c.pairs), String(sample)])
        let half = c.vocabulary / 2
        let filler = c.firstId
        let keys = rng.sample(c.pairs, from: half - 1).map { c.firstId + 1 + $0 }
        let values = rng.sample(c.pairs, from: c.vocabulary - half).map { c.firstId + half + $0 }

        var ids = [Int](repeating: filler, count: length)
        for i in 0..<c.pairs {
            ids[2 * i] = keys[i]
            ids[2 * i + 1] = values[i]
        }
        let queried = rng.sample(c.resolvedQueries, from: c.pairs)
        let regionStart = 2 * c.pairs
        let slots = (length - regionStart) / 2
        let chosen = rng.sample(queried.count, from: slots)
        var positions: [TargetPosition] = []
        for (q, slot) in zip(queried, chosen) {
            let p = regionStart + 2 * slot
            ids[p] = keys[q]
            ids[p + 1] = values[q]
            positions.append(TargetPosition(position: p, target: values[q]))
        }
        positions.sort { $0.position < $1.position }
        return TaskRecord(
            id: "\(c.task)/\(length)/\(c.pairs)/\(sample)", task: c.task, inputIds: ids, positions: positions,
            length: length, maxNewTokens: 0, metric: "positions_accuracy",
            extras: ["pairs": .int(c.pairs), "vocabulary": .int(c.vocabulary), "first_id": .int(c.firstId)])
    }

    /// The needle layout: the pairs block at `depth` (0…1) of a filler haystack and the queries
    /// packed at the end, each key followed by its value, queried keys in random order.
    ///
    ///     f f f … k1 v1 … kN vN f f … f kq vq kq' vq'
    ///
    /// The block starts at an even offset, depth × the filler room rounded down to even, so depth
    /// 0 touches the start and depth 1 ends right before the queries (one filler token before
    /// them when the room is odd). With one pair it is RULER's niah_single over
    /// ids; with more, the queried key must be told from distractor pairs (niah_multikey).
    public func needleRecord(length: Int, depth: Double, sample: Int, seed: UInt64) throws -> TaskRecord {
        let c = configuration
        try c.validate(length: length)
        guard (0...1).contains(depth) else {
            throw DataError.invalidRequest("kv_recall: depth must be within 0…1 (0…100 percent), got \(depth)")
        }
        var rng = SeededRandom(seed: seed, labels: [c.task, "needle", String(length), DepthGrid.label(depth),
                                                    String(c.vocabulary), String(c.pairs), String(sample)])
        let half = c.vocabulary / 2
        let keys = rng.sample(c.pairs, from: half - 1).map { c.firstId + 1 + $0 }
        let values = rng.sample(c.pairs, from: c.vocabulary - half).map { c.firstId + half + $0 }

        var ids = [Int](repeating: c.firstId, count: length)
        let queryStart = length - 2 * c.resolvedQueries
        let room = queryStart - 2 * c.pairs
        let offset = Int((depth * Double(room)).rounded(.down)) & ~1
        for i in 0..<c.pairs {
            ids[offset + 2 * i] = keys[i]
            ids[offset + 2 * i + 1] = values[i]
        }
        var positions: [TargetPosition] = []
        for (j, q) in rng.sample(c.resolvedQueries, from: c.pairs).enumerated() {
            let p = queryStart + 2 * j
            ids[p] = keys[q]
            ids[p + 1] = values[q]
            positions.append(TargetPosition(position: p, target: values[q]))
        }
        return TaskRecord(
            id: "\(c.task)/\(length)/\(DepthGrid.label(depth))/\(sample)", task: c.task, inputIds: ids, positions: positions,
            length: length, depth: depth, maxNewTokens: 0, metric: "positions_accuracy",
            extras: ["pairs": .int(c.pairs), "vocabulary": .int(c.vocabulary), "first_id": .int(c.firstId)])
    }
}
