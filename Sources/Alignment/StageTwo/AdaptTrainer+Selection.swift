import LinearAlgebra

/// What every selection run of one ``AdaptTrainer/train(_:settings:progress:)`` call shares.
struct SelectionContext {
    let settings: AdaptSettings
    /// The map training starts from (stage one, or the concatenated hybrid start) and its inputs.
    let startMap: AffineMap<Float>
    let inputs: Matrix
    let labeled: AdaptLabeledQueries
    let pools: AdaptNegativePools
    /// Each labeled query's training judgments (by labeled index).
    let judged: [[String: Int]]
    let scorer: AdaptDevScorer
    let corpus: any RowMatrix

    /// Every labeled pair of the given queries with its hard-negative pool.
    func pairs(_ indices: [Int]) -> [AdaptPair] {
        indices.flatMap { q in
            labeled.positives[q].enumerated().map { k, doc in
                AdaptPair(query: q, positive: doc, labeled: labeled.positives[q], pool: pools.pools[q][k])
            }
        }
    }

    /// The fold runs of split `split` at step 0: one per dev set that leaves training queries, each
    /// seeded as selection always seeded it (so a run replayed to a step is the one selection scored).
    func foldRuns(
        penalty: Double, devSets sets: [[Int]], split k: Int
    ) throws(AlignmentError) -> [(run: AdaptTrainingRun, dev: [Int])] {
        var settings = settings
        settings.penalty = penalty
        var runs = [(run: AdaptTrainingRun, dev: [Int])]()
        for (f, dev) in sets.enumerated() {
            let devSet = Set(dev)
            let train = (0..<labeled.count).filter { !devSet.contains($0) }
            guard !train.isEmpty else { continue }
            // The first split's seeds are the ones used before objectives existed.
            let seed = settings.seed &+ 0x5E1EC7 &+ UInt64(f) &+ UInt64(k) * 0x1000
            let run = try AdaptTrainingRun(
                settings: settings, stageOne: startMap, queries: inputs, corpus: corpus, pairs: pairs(train),
                seed: seed)
            runs.append((run, dev))
        }
        return runs
    }

    /// The map of every fold of every split at `steps` steps with penalty `penalty`: the maps whose dev
    /// figures ``curve(penalty:interpolations:devSets:main:progress:)`` read at that step. One split's runs
    /// are held at a time, as during selection.
    func foldMaps(penalty: Double, steps: Int, devSets: [[[Int]]]) throws(AlignmentError) -> [AffineMap<Float>] {
        var maps = [AffineMap<Float>]()
        for (k, sets) in devSets.enumerated() {
            for (var run, _) in try foldRuns(penalty: penalty, devSets: sets, split: k) {
                while run.steps < steps { _ = try run.step() }
                maps.append(try run.map())
            }
        }
        return maps
    }

    /// Trains one run per fold of every split in lockstep with penalty `penalty` and reads the pooled
    /// dev nDCG@10 of each split every `evaluationInterval` steps (step 0 = the start map), until
    /// `patience` evaluations bring no new best in any split or `maxSteps` is reached. nil when a split
    /// has no fold with training queries (one document group holding every labeled query).
    /// With `interpolations`, each evaluation also scores (1 - t) f_start + t f_step for every t, and a
    /// new best of those counts for `patience` too.
    /// - Parameter foldDev: each fold's dev inputs and start-map scores by split, filled by the first
    ///   curve and read by the next: neither depends on the penalty (every run starts at the start map).
    func curve(
        penalty: Double, interpolations: [Double] = [], devSets: [[[Int]]], main: Int,
        foldDev: inout [[SelectionFold.DevInputs]], progress: (AdaptEvent) -> Void
    ) throws(AlignmentError) -> SelectionCurve? {
        var groups = [[SelectionFold]]()
        for (k, sets) in devSets.enumerated() {
            var folds = [SelectionFold]()
            if foldDev.count == k { foldDev.append([]) }
            for (f, (run, dev)) in try foldRuns(penalty: penalty, devSets: sets, split: k).enumerated() {
                if foldDev[k].count == f {
                    let devQueries = try run.parameters.lossInputs(inputs.gatherRows(dev))
                    foldDev[k].append(
                        SelectionFold.DevInputs(
                            devQueries: devQueries,
                            startScoring: interpolations.isEmpty
                                ? nil : try scorer.startScoring(run.parameters.lossMap, queries: devQueries)))
                }
                folds.append(SelectionFold(run: run, dev: foldDev[k][f], judged: dev.map { judged[$0] }))
            }
            if folds.isEmpty { return nil }
            groups.append(folds)
        }
        var curve = SelectionCurve(
            penalty: penalty,
            meanFoldPairs: groups.map { folds in
                folds.reduce(0.0) { $0 + Double($1.run.pairs.count) } / Double(folds.count)
            })
        var step = 0, sinceBest = 0
        var best = [Double](repeating: -.infinity, count: groups.count * (1 + interpolations.count))
        var lossSum = 0.0, lossCount = 0
        while true {
            var means = [Double](), counts = [Int]()
            var interpolated = [[Double]](repeating: [], count: interpolations.count)
            for folds in groups {
                var sum = 0.0, count = 0
                var sums = [Double](repeating: 0, count: interpolations.count)
                for fold in folds {
                    // The loss's map on the loss's inputs: f itself (the rotation's R on f1(x), m x m work).
                    let map = fold.run.parameters.lossMap
                    let values: [Double]
                    if let startScoring = fold.startScoring {
                        let scored = try scorer.ndcg10(
                            map: map, start: startScoring, interpolations: interpolations, queries: fold.devQueries,
                            judged: fold.judged)
                        values = scored.map
                        for k in interpolations.indices { sums[k] += scored.interpolated[k].reduce(0, +) }
                    } else {
                        values = try scorer.ndcg10(map: map, queries: fold.devQueries, judged: fold.judged)
                    }
                    sum += values.reduce(0, +)
                    count += values.count
                }
                means.append(sum / Double(max(count, 1)))
                counts.append(count)
                for k in interpolations.indices { interpolated[k].append(sums[k] / Double(max(count, 1))) }
            }
            curve.steps.append(step)
            curve.scores.append(means)
            curve.interpolatedScores.append(interpolated)
            curve.devQueries = counts[main]
            progress(
                .evaluated(
                    step: step, trainingLoss: lossCount > 0 ? lossSum / Double(lossCount) : nil,
                    devNDCG10: means[main]))
            (lossSum, lossCount) = (0, 0)
            var improved = false
            for (k, value) in (means + interpolated.flatMap { $0 }).enumerated() where value > best[k] {
                (best[k], improved) = (value, true)
            }
            sinceBest = improved ? 0 : sinceBest + 1
            if sinceBest >= settings.patience || step >= settings.maxSteps { break }
            step = min(step + settings.evaluationInterval, settings.maxSteps)
            for g in groups.indices {
                for f in groups[g].indices {
                    while groups[g][f].run.steps < step {
                        lossSum += try groups[g][f].run.step()
                        lossCount += 1
                    }
                }
            }
        }
        return curve
    }
}

/// One fold of selection: a training run on the other folds' queries and its dev queries.
struct SelectionFold {
    /// What a fold's dev queries are scored from, the same at every penalty.
    struct DevInputs {
        /// The dev queries as the run's loss takes them (``AdaptMapParameters/lossInputs(_:)``: f1(x) for the rotation).
        let devQueries: Matrix
        /// The run's loss map at step 0 (what interpolated candidates start from) on the dev queries, as
        /// they are scored from (nil without interpolated candidates).
        let startScoring: AdaptDevScorer.StartScoring?
    }

    var run: AdaptTrainingRun
    let dev: DevInputs
    let judged: [[String: Int]]

    var devQueries: Matrix { dev.devQueries }
    var startScoring: AdaptDevScorer.StartScoring? { dev.startScoring }
}

/// The dev curves of one penalty: at each evaluated step, the pooled dev nDCG@10 of every split.
struct SelectionCurve {
    let penalty: Double
    /// Mean training pairs per fold, per split (to scale a step count to all pairs).
    let meanFoldPairs: [Double]
    var steps = [Int]()
    var scores = [[Double]]()
    /// Per evaluation, per interpolation weight t, the pooled dev nDCG@10 of every split.
    var interpolatedScores = [[[Double]]]()
    var devQueries = 0

    init(penalty: Double, meanFoldPairs: [Double]) {
        self.penalty = penalty
        self.meanFoldPairs = meanFoldPairs
    }

    /// The candidate at evaluation `index`; with `interpolation` (its position in the curve's weights),
    /// the interpolated one of weight `t`.
    func candidate(
        at index: Int, splits: [AdaptDevSplit], alpha: Double?, kind: AdaptCandidate.Kind,
        interpolation: (position: Int, t: Double)? = nil
    ) -> AdaptCandidate {
        var c = AdaptCandidate(
            kind: kind, alpha: alpha, penalty: kind == .stageOne ? nil : penalty, steps: steps[index],
            interpolation: interpolation?.t)
        let values = interpolation.map { interpolatedScores[index][$0.position] } ?? scores[index]
        for (k, split) in splits.enumerated() {
            if split == .documentDisjoint {
                c.documentDisjointDevNDCG10 = values[k]
            } else {
                c.randomDevNDCG10 = values[k]
            }
        }
        return c
    }

    /// The curve as checkpoints (legacy: exactly the fields recorded before objectives existed).
    func checkpoints(main: Int, splits: [AdaptDevSplit], legacy: Bool) -> [AdaptCheckpoint] {
        steps.indices.map { i in
            var point = AdaptCheckpoint(step: steps[i], devNDCG10: scores[i][main], devQueries: devQueries)
            guard !legacy else { return point }
            point.penalty = penalty
            for (k, split) in splits.enumerated() {
                if split == .documentDisjoint {
                    point.documentDisjointDevNDCG10 = scores[i][k]
                } else {
                    point.randomDevNDCG10 = scores[i][k]
                }
            }
            return point
        }
    }
}
