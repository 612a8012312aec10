import Alignment
import EmbeddingIO
import Foundation
import Reports
import Retrieval

/// The label-budget sweep as a use case: Alignment's `AdaptSweep` (every map trained before the evaluation
/// qrels are read), then the budget curves, the table and the chart that `era sweep` and the
/// pipeline's sweep stage both show.
public enum SweepWorkflow {
    /// The budget curve of each configuration: mean ± sd on all evaluation queries and on the
    /// unseen subset, each point tested against stage one, with the reference lines.
    public static func curves(_ result: AdaptSweepResult) -> [(configuration: String, curve: SweepCurve)] {
        let configurations = result.points.reduce(into: [String]()) {
            if !$0.contains($1.configuration) { $0.append($1.configuration) }
        }
        let references = result.references.flatMap { reference in
            [
                ReferenceLine(label: reference.label, subset: "all", value: reference.all.mean[result.metric] ?? 0),
                ReferenceLine(
                    label: reference.label, subset: "unseen", value: reference.unseen.mean[result.metric] ?? 0),
            ]
        }
        return configurations.map { configuration in
            let points = result.points.filter { $0.configuration == configuration }
            let all = points.map {
                SweepPoint(
                    labeledQueries: $0.labeledQueries, mean: $0.meanAll, sd: $0.sdAll, repeats: $0.seeds,
                    differenceToStageOne: $0.versusStageOneAll.meanDifference, pValue: $0.versusStageOneAll.pValue)
            }
            let unseen = points.map {
                SweepPoint(
                    labeledQueries: $0.labeledQueries, mean: $0.meanUnseen, sd: $0.sdUnseen, repeats: $0.seeds,
                    differenceToStageOne: $0.versusStageOneUnseen.meanDifference, pValue: $0.versusStageOneUnseen.pValue
                )
            }
            return (
                configuration,
                SweepCurve(
                    metric: result.metric,
                    series: [
                        SweepSeries(subset: "all", points: all),
                        SweepSeries(subset: "unseen", points: unseen),
                    ],
                    references: references)
            )
        }
    }

    /// nDCG@10 against the number of labeled queries: one line per configuration and subset
    /// (band = ± sd over seeds), stage one and the index as it is as reference lines.
    public static func chart(of result: AdaptSweepResult) -> SVGLineChart {
        let curves = curves(result)
        let lines = curves.flatMap { entry in entry.curve.series.map { ("\(entry.configuration), \($0.subset)", $0) } }
        return SVGLineChart.budgetChart(
            title: "Stage two: \(result.metric) against labeled queries", metric: result.metric,
            lines: lines, references: curves.first?.curve.references ?? [], labelReferencesBySubset: true)
    }

    /// The seeds of `repeats` runs per budget: `first`, `first + 1`, ... (`era sweep --seed` gives
    /// `first`; a pipeline's sweep stage its own stage seed), so both draw the same budgets and folds.
    public static func seeds(first: UInt64, repeats: Int) -> [UInt64] {
        (0..<UInt64(max(repeats, 0))).map { first &+ $0 }
    }

    /// Labeled queries in the problem's pool: those with an embedding and a positive judgment (a
    /// budget at or above it is the "all" point again).
    public static func labeledPool(_ problem: AdaptProblem) -> Int {
        let queryIds = Set(problem.queryIds)
        return problem.trainingQrels.judgments.filter {
            queryIds.contains($0.key) && $0.value.values.contains { $0 > 0 }
        }.count
    }

    /// One line for a person per finished training run and when evaluation starts (nil otherwise).
    public static func describe(_ event: AdaptSweepEvent) -> String? {
        switch event {
        case let .trained(configuration, budget, seed, labeled, steps, seconds):
            String(
                format: "%@, budget %@, seed %llu: %d labeled queries, %d steps kept (%.1f s)",
                configuration, budget.map(String.init) ?? "all", seed, labeled, steps, seconds)
        case .training: nil
        case .evaluating: "all maps trained; evaluating on the held-out judgments"
        }
    }

    /// `sweep.json` (every number, no timings, marked `"format": "era-sweep"`, with the SHA-256 of
    /// the other two files under `artifact_hashes`), `sweep.md` (the table) and `sweep.svg`
    /// (the chart), by file name, in the order to write them: the marked file first, so that a sweep
    /// stopped between them leaves no table or chart that a run again would have to refuse. A run
    /// again replaces sweep.md and sweep.svg only while they still hold what era wrote (the hashes).
    static func files(_ result: AdaptSweepResult, chart: Data) throws -> [(name: String, data: Data)] {
        let others = [("sweep.md", Data((result.markdownTable() + "\n").utf8)), ("sweep.svg", chart)]
        let hashes = Dictionary(uniqueKeysWithValues: others.map { ($0.0, SHA256.hex($0.1)) })
        let marked = MarkedSummary(summary: deterministicSummary(result), artifactHashes: hashes)
        return [("sweep.json", try CanonicalJSON.encode(marked, pretty: true))] + others
    }

    /// The mark of era's `sweep.json`, which lets `era sweep` replace its own files without `--force`.
    public static let fileFormat = "era-sweep"

    /// The summary's keys with `format` and `artifact_hashes` beside them.
    private struct MarkedSummary: Encodable {
        var summary: AdaptSweepSummary
        var artifactHashes: [String: String]

        enum CodingKeys: String, CodingKey {
            case format
            case artifactHashes = "artifact_hashes"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(SweepWorkflow.fileFormat, forKey: .format)
            try container.encode(artifactHashes, forKey: .artifactHashes)
            try summary.encode(to: encoder)
        }
    }

    /// The sweep's summary without training times, so a re-run writes the same bytes.
    public static func deterministicSummary(_ result: AdaptSweepResult) -> AdaptSweepSummary {
        var summary = result.summary
        for i in summary.runs.indices { summary.runs[i].seconds = 0 }
        return summary
    }
}
