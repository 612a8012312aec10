import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// Stage one as a use case: match two embedding tables by id, train the map, and wrap it as an
/// `Adapter`. `era align` and the pipeline's align stage are both this, plus their own I/O.
public enum AlignWorkflow {
    /// The `stage` its adapters record in their metadata (an output guard replaces only adapters of it).
    public static let stage = "align"

    /// What stage one reads.
    public struct Request: Sendable {
        /// Query-model rows and their ids.
        public var sources: any RowMatrix
        public var sourceIds: [String]
        /// Index-model rows and their ids (the same texts, in any order).
        public var targets: any RowMatrix
        public var targetIds: [String]
        public var configuration: AlignmentConfiguration
        /// Use this many common ids, drawn with the configuration's seed; nil uses all.
        public var sample: Int?
        public var sourceModel: String
        public var targetModel: String
        /// Written into the adapter beside era's own keys (e.g. the pipeline's name).
        public var metadata: [String: String]
        /// Write the label-free hybrid W = a W1, V = (1 - a) I, b = a b1 with this a instead of the map.
        public var hybridAlpha: Double?
        /// Unpaired alignment (rows of different texts; ids never pair rows) with these settings;
        /// nil: the rows are paired by id.
        public var unpaired: UnpairedSettings?
        /// Unpaired: seed the matching with this many of the ids common to both lists (seeded draw);
        /// nil: every common id when both id lists are given, none otherwise.
        public var anchors: Int?

        public init(
            sources: any RowMatrix, sourceIds: [String], targets: any RowMatrix, targetIds: [String],
            configuration: AlignmentConfiguration, sample: Int? = nil, sourceModel: String,
            targetModel: String, metadata: [String: String] = [:]
        ) {
            self.sources = sources
            self.sourceIds = sourceIds
            self.targets = targets
            self.targetIds = targetIds
            self.configuration = configuration
            self.sample = sample
            self.sourceModel = sourceModel
            self.targetModel = targetModel
            self.metadata = metadata
        }
    }

    /// What stage one produced.
    public struct Outcome: Sendable {
        public var adapter: Adapter
        public var log: TrainingLog
        public var pairs: Int
        public var dimensions: (source: Int, target: Int)
        /// Unpaired alignment's induced pairs and their confidence (nil for paired rows).
        public var unpaired: UnpairedResult?
    }

    /// A failure of stage one in the words of its inputs; front ends name their own files and flags.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// No id of the source table appears in the target table.
        case noCommonIds
        /// The requested sample has no texts.
        case emptySample
        /// A row of one side holds NaN or infinity (`side` is "source" or "target").
        case nonFinite(side: String, what: String)
        /// The trainer refused its settings or data.
        case training(AlignmentError)
        /// Unpaired: the two sets cannot be told apart from the null problem; no map is written.
        case notAlignable(UnpairedResult)

        public var description: String {
            switch self {
            case .noCommonIds: "no id appears in both tables: nothing to align"
            case .emptySample: "the sample is empty; give a positive number of texts"
            case .nonFinite(_, let what): "\(what) contains NaN or infinity"
            case .training(let error): error.description
            case .notAlignable(let result): AlignWorkflow.refusal(result)
            }
        }
    }

    /// Matches the tables, reports the pair count, and trains.
    /// - Parameters:
    ///   - request: the tables and settings.
    ///   - started: called once the pairs are known, before the warm start (which reports nothing until done).
    ///   - progress: the trainer's events.
    ///   - unpairedProgress: unpaired alignment's rounds and attempts (``Request/unpaired``).
    /// - Throws: ``Failure``.
    public static func run(
        _ request: Request, started: (_ pairs: Int, _ p: Int, _ m: Int) -> Void = { _, _, _ in },
        progress: (TrainingEvent) -> Void = { _ in },
        unpairedProgress: (UnpairedAligner.Event) -> Void = { _ in }
    ) throws(Failure) -> Outcome {
        let trainer: AlignmentTrainer
        do { trainer = try AlignmentTrainer(configuration: request.configuration) } catch { throw .training(error) }
        let pairs: MatchedRows
        var unpaired: UnpairedResult? = nil
        if let settings = request.unpaired {
            (pairs, unpaired) = try induce(request, settings: settings, progress: unpairedProgress)
        } else {
            pairs = try match(request)
        }
        started(pairs.count, pairs.sources.columns, pairs.targets.columns)
        let result: AlignmentResult
        do { result = try trainer.train(sources: pairs.sources, targets: pairs.targets, progress: progress) } catch {
            throw .training(error)
        }
        var metadata = request.metadata
        metadata["pairs"] = String(pairs.count)
        if let unpaired { metadata.merge(Self.metadata(of: unpaired)) { $1 } }
        var calibrated = metadata
        if let calibration = result.log.scoreCalibration {
            // a * score + b puts this map's scores on the index model's own scale (ScoreCalibration);
            // the hybrid map below scores differently, so it does not carry them.
            calibrated.merge(calibration.metadata) { _, new in new }
        }
        var adapter = Adapter(
            map: result.map, sourceModel: request.sourceModel, targetModel: request.targetModel,
            stage: stage, configurationHash: result.log.configurationHash,
            version: EraVersion.current, extraMetadata: calibrated)
        if let alpha = request.hybridAlpha {
            // The range is stage two's declared `alpha` (the same mix).
            var declared = AdaptSettings()
            declared.hybridAlpha = alpha
            if let message = AdaptSettings.setting("alpha").problem(declared) {
                throw .training(.invalidParameter(name: "alpha", value: "\(alpha)", reason: message))
            }
            metadata["hybrid_alpha"] = String(alpha)
            do {
                adapter = try Adapter(
                    hybrid: .mix(stageOne: result.map, alpha: alpha), sourceModel: request.sourceModel,
                    targetModel: request.targetModel, stage: stage, configurationHash: result.log.configurationHash,
                    version: EraVersion.current, extraMetadata: metadata)
            } catch { throw .training(error) }
        }
        return Outcome(
            adapter: adapter, log: result.log, pairs: pairs.count,
            dimensions: (pairs.sources.columns, pairs.targets.columns), unpaired: unpaired)
    }

    /// The rows of both tables paired by id.
    private static func match(_ request: Request) throws(Failure) -> MatchedRows {
        do {
            // Selections of the tables, not copies: a mapped input stays a mapping (issue 13).
            return try PairMatching.matchRows(
                sourceIds: request.sourceIds, sources: request.sources,
                targetIds: request.targetIds, targets: request.targets,
                sample: request.sample, seed: request.configuration.seed)
        } catch {
            switch error {
            case .noCommonIds: throw .noCommonIds
            case .empty: throw .emptySample
            case .nonFinite(let what):
                throw .nonFinite(side: what.hasPrefix("source") ? "source" : "target", what: what)
            default: throw .training(error)
            }
        }
    }

    /// The raw Procrustes baseline (centred, thin): fitted on the same sample of the same pairs as
    /// stage one (`sample` drawn with `seed`), all of them, without a held-out split.
    public static func procrustesBaseline(
        sources: any RowMatrix, targets: any RowMatrix, ids: [String], sample: Int?,
        seed: UInt64
    ) throws -> (map: AffineMap<Float>, pairs: Int, objective: Double) {
        let pairs = try PairMatching.matchRows(
            sourceIds: ids, sources: sources, targetIds: ids, targets: targets, sample: sample, seed: seed)
        let fit = try Procrustes.fitStreaming(
            source: pairs.sources, target: pairs.targets, centerings: [.mean], measureObjective: true)[.mean]!
        return (fit.map, pairs.count, fit.objective!)
    }

    /// The held-out figures worth keeping as scalar results (metrics.json, summaries).
    public static func values(of outcome: Outcome) -> [String: Double] {
        var values: [String: Double] = [
            "pairs": Double(outcome.pairs), "selected_epoch": Double(outcome.log.selectedEpoch),
        ]
        if let held = outcome.log.heldOut {
            values["heldout_mean_cosine"] = held.meanCosine
            values["heldout_top1"] = held.top1Accuracy
            values["heldout_top10"] = held.top10Accuracy
            values["heldout_mrr"] = held.meanReciprocalRank
        }
        return values
    }

    /// One line for a person per event (nil for per-batch events).
    public static func describe(_ event: TrainingEvent, epochs: Int) -> String? {
        switch event {
        case let .warmStarted(record, heldOut):
            var line = "warm start \(record.method.rawValue)"
            if let thin = record.thinObjective, let objective = record.objective {
                line += String(
                    format: ": objective %.4f (thin %.4f, %d refinement steps)", objective, thin,
                    record.iterations ?? 0)
            }
            line += String(format: " in %.2f s", record.seconds)
            if let heldOut { line += describe(heldOut) }
            return line
        case .batchFinished:
            return nil
        case let .epochFinished(record):
            var line = String(
                format: "epoch %d/%d: train loss %.5f (%.2f s)", record.epoch, epochs, record.trainLoss,
                record.trainSeconds)
            if let loss = record.heldOutLoss { line += String(format: "; held-out loss %.5f", loss) }
            if let heldOut = record.heldOut { line += describe(heldOut) }
            if record.improved { line += " *" }
            return line
        case let .stoppedEarly(afterEpoch, bestEpoch):
            return "stopped after epoch \(afterEpoch): no held-out improvement since epoch \(bestEpoch)"
        }
    }

    /// The stage-one guardrail's choice in one sentence (nil when it did not run: off, or nothing held
    /// out), e.g. "guardrail: procrustes-centred-bias returned (refinement dropped: ...)".
    public static func guardrailNote(_ log: TrainingLog) -> String? {
        guard let guardrail = log.guardrail else { return nil }
        return "guardrail: \(guardrail.chosen) map returned (\(guardrail.reason))"
    }

    /// The closing line: held-out figures and the epoch kept.
    public static func summary(_ outcome: Outcome) -> String {
        var held =
            outcome.log.heldOut.map {
                String(
                    format: "held-out (%d pairs): cosine %.4f, top-1 %.4f, top-10 %.4f; ", $0.pairs, $0.meanCosine,
                    $0.top1Accuracy, $0.top10Accuracy)
            } ?? ""
        if let note = tooFewHeldOutNote(outcome.log.heldOutPairs) { held = note + "; " }
        let guardrail = guardrailNote(outcome.log).map { "; \($0)" } ?? ""
        return "\(held)epoch \(outcome.log.selectedEpoch) kept\(guardrail)"
    }

    /// Why no held-out figure is shown, when the held-out set is too small to measure anything.
    public static func tooFewHeldOutNote(_ pairs: Int) -> String? {
        guard pairs > 0, pairs < HeldOutReport.minimumPairs else { return nil }
        return
            "held-out: \(pairs) pair\(pairs == 1 ? "" : "s"), too few to measure (at least \(HeldOutReport.minimumPairs) "
            + "are needed: align more pairs or hold out a larger fraction); no held-out figure reported"
    }

    private static func describe(_ r: HeldOutReport) -> String {
        // A figure over a handful of pairs is noise (one pair always has top-1 = 1): not shown.
        guard r.pairs >= HeldOutReport.minimumPairs else { return "" }
        return String(
            format: "; held-out cosine %.4f, top-1 %.4f, top-10 %.4f", r.meanCosine, r.top1Accuracy, r.top10Accuracy)
    }
}
