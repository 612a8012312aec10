import EmbeddingIO
import Foundation
import Reports
import Workflows

@testable import Pipeline

/// Counts stage invocations across the fake runners of one test (runners are Sendable values).
final class InvocationLog: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []

    func record(_ name: String) {
        lock.lock()
        names.append(name)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return names
    }

    func reset() {
        lock.lock()
        names = []
        lock.unlock()
    }
}

/// Test doubles for the real stages: deterministic functions of their options, seed and the
/// artifacts of their dependencies, so skip and re-run logic can be checked exactly.
struct FakeStage: StageRunner {
    let invocations: InvocationLog
    var failWith: String?

    func run(stage: StageConfig, context: StageContext) throws -> StageOutput {
        invocations.record(stage.name)
        if let failWith {
            try Data("partial".utf8).write(to: context.artifactURL("partial.bin"))
            throw PipelineRunError(failWith)
        }
        context.log("running \(stage.name)")
        // Content depends on options, seed and dependency artifacts: a changed input changes it.
        var text =
            "\(stage.name) seed=\(context.seed) options=\(String(decoding: try CanonicalJSON.encode(stage.options), as: UTF8.self))"
        for dependency in stage.dependencies.sorted() {
            guard let completed = context.dependencies[dependency] else {
                throw PipelineRunError("missing dependency \(dependency)")
            }
            for (_, file) in completed.output.artifacts.sorted(by: { $0.key < $1.key }) {
                text +=
                    "\n<- "
                    + (try String(contentsOf: completed.directory.appendingPathComponent(file), encoding: .utf8))
            }
        }
        for step in 1...3 { context.progress(completed: step, total: 3, "step \(step)") }
        let digest = SHA256.hex(text)
        let score = Double(Int(digest.prefix(4), radix: 16)!) / 65536
        switch stage.options {
        case .align, .adapt:
            try Data(text.utf8).write(to: context.artifactURL("map.txt"))
            return StageOutput(artifacts: ["map": "map.txt"], values: ["train_loss": score])
        case .evaluate(let options):
            let rows =
                options.baselines.map(\.rawValue).map { ($0, MetricsRow.Role.baseline) }
                + options.maps.map { ($0, MetricsRow.Role.stage) }
            let table = MetricsTable(
                metrics: options.metrics,
                subsets: [
                    QuerySubset(name: "all", queries: 2, description: "test queries"),
                    QuerySubset(name: "unseen", queries: 1, description: "unseen documents"),
                ],
                rows: rows.enumerated().map { index, row in
                    let value = score / Double(index + 2)
                    return MetricsRow(
                        name: row.0, role: row.1,
                        values: [
                            "all": Dictionary(uniqueKeysWithValues: options.metrics.map { ($0, value) }),
                            "unseen": Dictionary(uniqueKeysWithValues: options.metrics.map { ($0, value / 2) }),
                        ],
                        significance: index == 0
                            ? []
                            : [
                                SignificanceEntry(
                                    subset: "all", metric: options.metrics[0],
                                    difference: 0.01, pValue: 0.04, lower: 0.001,
                                    upper: 0.02, confidence: 0.95)
                            ])
                },
                comparedTo: rows.first?.0)
            try Data(text.utf8).write(to: context.artifactURL("runs.txt"))
            return StageOutput(artifacts: ["runs": "runs.txt"], evaluation: table)
        case .sweep(let options):
            let curve = SweepCurve(
                metric: "ndcg@10",
                series: [
                    SweepSeries(
                        subset: "all",
                        points: options.budgets.map {
                            SweepPoint(
                                labeledQueries: $0, mean: score + Double($0) / 1000, sd: 0.01, repeats: options.repeats)
                        })
                ],
                references: [
                    ReferenceLine(label: "stage one", subset: "all", value: score),
                    ReferenceLine(label: "index as it is", subset: "all", value: score / 2),
                ])
            return StageOutput(sweep: curve)
        case .export(let options):
            try Data(text.utf8).write(to: context.artifactURL("\(options.file).safetensors"))
            return StageOutput(artifacts: ["adapter": "\(options.file).safetensors"])
        }
    }

    static func registry(_ invocations: InvocationLog, failing: StageKind? = nil) -> StageRegistry {
        var registry = StageRegistry()
        for kind in StageKind.allCases {
            registry[kind] = FakeStage(invocations: invocations, failWith: kind == failing ? "simulated failure" : nil)
        }
        return registry
    }
}
