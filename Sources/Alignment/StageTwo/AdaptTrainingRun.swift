import LinearAlgebra

/// One labeled pair: a query (row in the labeled query matrix), one of its positives (corpus row),
/// the query's labeled positives (kept out of its negatives) and its hard-negative pool.
struct AdaptPair: Sendable {
    var query: Int
    var positive: Int
    var labeled: [Int]
    var pool: [Int]
}

/// One optimization run of stage two: AdamW on the family's parameters, the masked InfoNCE loss
/// plus lambda ||W - W1||_F^2, batches of pairs reshuffled every pass.
struct AdaptTrainingRun {
    let settings: AdaptSettings
    let queries: Matrix
    let corpus: any RowMatrix
    let pairs: [AdaptPair]
    var parameters: AdaptMapParameters<Float>
    private var optimizers: [AdamOptimizer<Float>]
    private var objective: AdaptObjective<Float>
    private var generator: SplitMix64
    private var order: [Int] = []
    private var cursor = 0
    private(set) var steps = 0

    init(
        settings: AdaptSettings, stageOne: AffineMap<Float>, queries: Matrix, corpus: any RowMatrix,
        pairs: [AdaptPair], seed: UInt64
    ) throws(AlignmentError) {
        precondition(!pairs.isEmpty, "a training run needs pairs")
        self.settings = settings
        self.queries = queries
        self.corpus = corpus
        self.pairs = pairs
        generator = SplitMix64(seed: seed)
        parameters = try AdaptMapParameters(family: settings.family, stageOne: stageOne, generator: &generator)
        let adamW = AdamSettings.adamW(learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        var optimizers = [AdamOptimizer<Float>]()
        for p in parameters.parameters { optimizers.append(try AdamOptimizer(settings: adamW, for: p)) }
        self.optimizers = optimizers
        objective = AdaptObjective(
            loss: try AdaptContrastiveLoss(temperature: Float(settings.temperature)),
            penalty: Float(settings.penalty))
    }

    /// The current map from query embeddings into the index's space.
    func map() throws(AlignmentError) -> AffineMap<Float> { try parameters.effectiveMap() }

    /// One optimizer step on the next batch; returns the batch's objective (InfoNCE + penalty).
    mutating func step() throws(AlignmentError) -> Double {
        let batch = try nextBatch()
        let (value, gradients) = try objective.valueAndGradient(parameters: parameters, batch: batch)
        for k in optimizers.indices { try optimizers[k].step(&parameters.parameters[k], gradient: gradients[k]) }
        try parameters.refresh()
        steps += 1
        return Double(value)
    }

    /// The next `batchSize` pairs of the current pass with their negatives, as one candidate set.
    private mutating func nextBatch() throws(AlignmentError) -> CandidateBatch<Float> {
        var rows = [Int]()
        while rows.count < min(settings.batchSize, pairs.count) {
            if cursor == order.count {
                order = generator.permutation(pairs.count)
                cursor = 0
            }
            rows.append(order[cursor])
            cursor += 1
        }
        let documents = corpus.rows
        var candidateIndex = [Int: Int]()
        var candidates = [Int]()
        func slot(_ doc: Int) -> Int {
            if let k = candidateIndex[doc] { return k }
            candidateIndex[doc] = candidates.count
            candidates.append(doc)
            return candidates.count - 1
        }
        var own = [[Int]]()
        var positives = [Int]()
        let hard = settings.negatives.hard, random = settings.negatives.random
        for r in rows {
            let pair = pairs[r]
            positives.append(slot(pair.positive))
            var negatives = [Int]()
            if hard > 0, let first = pair.pool.first {
                negatives.append(first)
                let rest = Array(pair.pool.dropFirst())
                let take = min(hard - 1, rest.count)
                if take > 0 { negatives += generator.sample(take, from: rest.count).map { rest[$0] } }
            }
            // Random negatives, and random top-ups when the hard pool ran short.
            let labeled = Set(pair.labeled)
            var wanted = random + (hard - min(hard, negatives.count))
            while wanted > 0, documents > labeled.count {
                let doc = generator.nextIndex(below: documents)
                if !labeled.contains(doc) {
                    negatives.append(doc)
                    wanted -= 1
                }
            }
            own.append(negatives.map { slot($0) })
        }
        let c = candidates.count
        var allowed = [Bool](repeating: settings.negatives.inBatch, count: rows.count * c)
        for (i, r) in rows.enumerated() {
            let base = i * c
            if !settings.negatives.inBatch {
                for k in own[i] { allowed[base + k] = true }
            }
            for doc in pairs[r].labeled { if let k = candidateIndex[doc] { allowed[base + k] = false } }
            allowed[base + positives[i]] = true
        }
        let sources = queries.gatherRows(rows.map { pairs[$0].query })
        return try CandidateBatch(
            sources: sources, candidates: corpus.gatherRows(candidates).normalizedRows(),
            positives: positives, allowed: allowed)
    }
}
