import Foundation
import LinearAlgebra

/// Stage one: learns f(x) = W x + b from pairs of the same texts embedded by both models.
///
/// Steps: (1) a seeded held-out split (``AlignmentConfiguration/heldOutFraction``); (2) targets
/// normalized to unit rows (the index's geometry); (3) the warm start on the training pairs;
/// (4) epochs of mini-batch training (seeded shuffles, preallocated batch buffers, every product a
/// gemm), the held-out pairs measured after each; (5) the best epoch's map is kept and training stops
/// after ``AlignmentConfiguration/patience`` epochs without improvement; (6) the guardrail
/// (``AlignmentConfiguration/guardrail``) returns that map or a Procrustes variant, whichever gives the
/// held-out targets the lowest mean rank among all targets (``GuardrailRecord``); a chosen Procrustes
/// variant is fitted again on every pair.
/// The same inputs and settings give the same map (one thread of control; BLAS is deterministic
/// for a fixed thread count).
public struct AlignmentTrainer: Sendable {
    public let configuration: AlignmentConfiguration

    /// Throws for settings out of range (see ``AlignmentConfiguration/validate()``).
    public init(configuration: AlignmentConfiguration = AlignmentConfiguration()) throws(AlignmentError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Trains on the pairs (row i of `sources` and of `targets`: the same text).
    /// - Parameters:
    ///   - sources: the query model's vectors of the texts (`n x p`).
    ///   - targets: the index model's vectors of the same texts (`n x m`).
    ///   - progress: called synchronously after the warm start, each batch and each epoch.
    /// - Throws: ``AlignmentError`` for empty or non-finite inputs, too few pairs to hold some out,
    ///   a diverged loss, LAPACK failures.
    /// - Complexity: O(epochs * n * (p m + B m)) plus the warm start.
    public func train(sources: Matrix, targets: Matrix, progress: (TrainingEvent) -> Void = { _ in })
        throws(AlignmentError) -> AlignmentResult
    {
        guard sources.rows == targets.rows else {
            throw .shapeMismatch(operation: "train", expected: "\(sources.rows) target rows", got: "\(targets.rows)")
        }
        return try train(sources: RowSelection(sources), targets: RowSelection(targets), progress: progress)
    }

    /// Trains on selected rows of two tables (``PairMatching/matchRows(sourceIds:sources:targetIds:targets:sample:seed:)``):
    /// the same map as on copies of them, without the copies. The sources are read a batch or a block
    /// at a time (a memory-mapped file stays a mapping); only the targets are copied, once, as unit rows
    /// (the index side is the smaller one for an LLM query model).
    /// - Throws: as ``train(sources:targets:progress:)``.
    /// - Complexity: as ``train(sources:targets:progress:)``.
    public func train(sources: RowSelection, targets: RowSelection, progress: (TrainingEvent) -> Void = { _ in })
        throws(AlignmentError) -> AlignmentResult
    {
        let clock = ContinuousClock()
        let started = clock.now
        let c = configuration
        guard sources.count == targets.count else {
            throw .shapeMismatch(operation: "train", expected: "\(sources.count) target rows", got: "\(targets.count)")
        }
        let n = sources.count, p = sources.columns, m = targets.columns
        guard n > 0, p > 0, m > 0 else { throw .empty(what: "alignment pairs") }
        guard allFinite(sources) else { throw .nonFinite(what: "alignment sources") }
        guard allFinite(targets) else { throw .nonFinite(what: "alignment targets") }
        // Rows that are all zero or all the same carry nothing to align; such data used to train
        // with exit 0 and only a chance-level held-out top-1 hinted at it.
        try Self.refuseConstantRows(sources, side: "source (query model)")
        try Self.refuseConstantRows(targets, side: "target (index model)")

        // 1. Held-out split (positions into the pairs), then unit targets.
        let heldCount = c.heldOutFraction > 0 ? max(1, Int((c.heldOutFraction * Double(n)).rounded())) : 0
        guard n - heldCount >= 1 else {
            throw .invalidParameter(
                name: "held-out fraction", value: "\(c.heldOutFraction)",
                reason: "\(n) pairs leave none to train on")
        }
        var splitter = SplitMix64(seed: c.seed, stream: .split)
        let order = splitter.permutation(n)
        let heldRows = Array(order[0..<heldCount].sorted()), trainRows = Array(order[heldCount...].sorted())
        let trainX = sources.selecting(trainRows), heldX = sources.selecting(heldRows)
        let trainY = targets.gathered(trainRows).normalizedRows()
        let heldY = targets.gathered(heldRows).normalizedRows()
        let negatives = c.effectiveNegatives(trainingPairs: trainRows.count)

        // 2. Warm start (and, in the same pass over the inputs, the guardrail's Procrustes variants).
        let warmStarted = clock.now
        var map: AffineMap<Float>
        var warm = TrainingLog.WarmStartRecord(method: c.warmStart, seconds: 0)
        var variants: ProcrustesVariants? = nil
        let guarding = c.guardrail && heldCount > 0
        if c.warmStart == .procrustes || guarding {
            variants = try ProcrustesVariants.fit(
                sources: trainX, targets: trainY, settings: c.procrustes, warmStart: c.warmStart == .procrustes,
                guardrail: guarding)
        }
        switch c.warmStart {
        case .procrustes:
            let fit = variants!.warmStart!
            map = fit.map
            warm.thinObjective = fit.thinObjective
            warm.objective = fit.objective
            warm.iterations = fit.iterations
        case .identity:
            map = .identity(source: p, target: m)
        case .random:
            var generator = SplitMix64(seed: c.seed, stream: .initialization)
            map = .random(source: p, target: m, using: &generator)
        }
        map.family = c.family
        try map.projectOntoFamily()
        warm.seconds = seconds(clock.now - warmStarted)

        var trainLoss = try makeLoss(candidates: trainY, negatives: negatives)
        var heldLoss = try makeLoss(candidates: heldY, negatives: negatives == .pooled ? .inBatch : negatives)
        var heldOut = heldCount > 0 ? HeldOutSet(sources: heldX, targets: heldY, batchSize: c.batchSize) : nil
        var best = map
        var bestScore = Double.infinity
        var warmLoss: Double? = nil, warmReport: HeldOutReport? = nil
        if heldCount > 0 {
            (warmLoss, warmReport) = try heldOut!.measure(map, loss: &heldLoss)
            bestScore = score(loss: warmLoss!, report: warmReport!)
        }
        progress(.warmStarted(warm, heldOut: warmReport))

        // 3. Epochs.
        var optimizer: AdamOptimizer<Float> = try AdamOptimizer(
            settings: AdamSettings(
                learningRate: c.learningRate, weightDecay: c.weightDecay,
                decoupledWeightDecay: c.optimizer == .adamw), for: map)
        var batches = BatchAssembler(
            sources: trainX, targets: trainY, batchSize: c.batchSize,
            withIndices: negatives == .all && c.loss == .infonce,
            pool: negatives == .pooled && c.loss == .infonce ? c.negativePool : 0, seed: c.seed)
        var gradient = MapGradient(like: map)
        var shuffler = SplitMix64(seed: c.seed, stream: .shuffle)
        var records: [TrainingLog.EpochRecord] = []
        var selected = 0, stale = 0, stoppedEarly = false
        let trainCount = trainRows.count
        let batchCount = (trainCount + c.batchSize - 1) / c.batchSize
        for epoch in 0..<c.epochs {
            let epoch = epoch + 1
            let epochStarted = clock.now
            let permutation = c.shuffle ? shuffler.permutation(trainCount) : Array(0..<trainCount)
            var lossSum = 0.0
            for b in 0..<batchCount {
                let rows = permutation[(b * c.batchSize)..<min(trainCount, (b + 1) * c.batchSize)]
                let value = try batches.fill(rows) { (batch) throws(AlignmentError) -> Float in
                    try trainLoss.valueAndGradient(map: map, batch: batch, into: &gradient)
                }
                try optimizer.step(&map, gradient: gradient)
                try map.projectOntoFamily()
                lossSum += Double(value) * Double(rows.count)
                progress(.batchFinished(epoch: epoch, batch: b + 1, batches: batchCount, loss: Double(value)))
            }
            var record = TrainingLog.EpochRecord(
                epoch: epoch, trainLoss: lossSum / Double(trainCount), trainSeconds: seconds(clock.now - epochStarted),
                improved: false)
            if heldCount > 0 {
                let (loss, report) = try heldOut!.measure(map, loss: &heldLoss)
                record.heldOutLoss = loss
                record.heldOut = report
                let current = score(loss: loss, report: report)
                if current < bestScore {
                    bestScore = current
                    best = map
                    selected = epoch
                    stale = 0
                    record.improved = true
                } else {
                    stale += 1
                }
            } else {
                best = map
                selected = epoch
                record.improved = true
            }
            records.append(record)
            progress(.epochFinished(record))
            if c.patience > 0, stale >= c.patience, epoch < c.epochs {
                stoppedEarly = true
                progress(.stoppedEarly(afterEpoch: epoch, bestEpoch: selected))
                break
            }
        }
        // The guardrail: a refinement that ranks the held-out targets among all targets worse than a
        // closed-form Procrustes variant is dropped (anisotropic index models; DESIGN.md).
        var guardrail: GuardrailRecord? = nil
        if guarding {
            (best, guardrail) = try self.guardrail(
                refined: best, variants: variants!, trainX: trainX, heldX: heldX, heldY: heldY, trainY: trainY)
        }
        // Fewer than `HeldOutReport.minimumPairs` pairs measure nothing (one pair has top-1 = 1):
        // the split still guides early stopping, but no figure is reported.
        let finalReport: HeldOutReport? =
            heldCount >= HeldOutReport.minimumPairs
            ? try heldOut!.report(best) : nil
        // A chosen closed form has nothing left to select: fitted again on every pair, held-out ones too
        // (the report above stays the training-pairs fit's, measured on pairs it did not see).
        if let chosen = guardrail?.chosen,
            let refitted = try procrustesVariant(
                chosen, sources: sources, targets: targets.gathered().normalizedRows())
        {
            best = refitted
            guardrail!.refittedOnAllPairs = true
        }
        // Scores that keep their meaning (a threshold on the index model's scores carries over). A map
        // whose scores do not vary has no scale to fit: the log then has no calibration, nothing fails.
        let calibration = try? ScoreCalibration.fit(map: best, sources: sources, targets: targets, seed: c.seed)
        var log = TrainingLog(
            configuration: c, configurationHash: c.hash, sourceDimension: p, targetDimension: m,
            trainingPairs: trainCount, heldOutPairs: heldCount, warmStart: warm, warmStartHeldOutLoss: warmLoss,
            warmStartHeldOut: warmReport, epochs: records, selectedEpoch: selected, stoppedEarly: stoppedEarly,
            heldOut: finalReport, totalSeconds: seconds(clock.now - started), guardrail: guardrail,
            negatives: c.loss == .infonce ? negatives : nil)
        log.scoreCalibration = calibration
        return AlignmentResult(map: best, log: log)
    }

    /// Lower is better: the held-out loss, or minus the held-out MRR.
    private func score(loss: Double, report: HeldOutReport) -> Double {
        configuration.stoppingMetric == .loss ? loss : -report.meanReciprocalRank
    }

    /// Throws when every row of `matrix` equals the first (all zero, or one repeated vector).
    static func refuseConstantRows(_ rows: RowSelection, side: String) throws(AlignmentError) {
        let columns = rows.columns, n = rows.count
        let reason: String? = rows.table.withUnsafeBufferPointer { values in
            let first = values[(rows.tableRow(0) * columns)..<((rows.tableRow(0) + 1) * columns)]
            for i in 1..<max(n, 1) {
                let start = rows.tableRow(i) * columns
                if !values[start..<(start + columns)].elementsEqual(first) { return nil }
            }
            // Every row equals the first.
            if first.allSatisfy({ $0 == 0 }) { return "every \(side) embedding is all zeros" }
            guard n > 1 else { return nil }
            return "all \(n) \(side) embeddings are the same vector"
        }
        if let reason {
            throw .invalidParameter(
                name: "alignment data", value: "\(n) rows",
                reason:
                    "\(reason), so there is nothing to align: check that the embeddings were written correctly (not zero-filled, not one text repeated)"
            )
        }
    }

    /// The configured loss; `candidates` are the targets global negatives are drawn from.
    private func makeLoss(candidates: Matrix, negatives: AlignmentConfiguration.Negatives)
        throws(AlignmentError) -> ConfiguredLoss
    {
        let c = configuration
        switch c.loss {
        case .infonce:
            return .infonce(
                try InfoNCELoss<Float>(
                    temperature: Float(c.temperature),
                    negatives: negatives == .all ? .allTargets(candidates) : .inBatch,
                    symmetric: c.symmetric))
        case .cosine:
            return .cosine(CosineLoss<Float>())
        case .mse:
            return .mse(MSELoss<Float>())
        }
    }
}
