import AdapterFormat
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

@testable import Pipeline

/// Every JSON file a pipeline run writes (metrics.json, manifest.json, each stage.json,
/// training-log.json, training.json, sweep.json, the sentence-transformers folder's era.json) and
/// every adapter's metadata use one key style: snake_case, metric names as `ndcg@10`.
@Suite("JSON key style of a run")
struct JSONKeyStyleTests {
    /// Objects keyed by stage names, config key paths (`data.queries.ids`) or artifact file names, which are data.
    static let dataKeyed: Set = ["stages", "inputs", "artifact_hashes"]

    @Test func everyFileOfARunIsSnakeCase() throws {
        let planted = try PlantedData()
        defer { planted.fixture.remove() }
        // The adapt stage's map is hybrid, which a sentence-transformers module cannot hold: the align map's is written.
        let stages =
            RealStagesTests.allStages + """

                  - name: export-align
                    kind: export
                    options: {map: align, formats: [sentence-transformers, npy]}
                """
        try planted.fixture.write("keys.yaml", pipeline(stages: stages))
        let config = try planted.fixture.load("keys.yaml")
        _ = try PipelineRunner(config: config, registry: .builtIn, currentDirectory: planted.fixture.root.path).run()
        let run = planted.fixture.url("runs/keys")
        var checked: [String] = []
        let files = FileManager.default.enumerator(at: run, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            let name = url.path.replacingOccurrences(of: run.path + "/", with: "")
            if url.pathExtension == "json" {
                let violations = try JSONKeyStyle.violations(in: Data(contentsOf: url), dataKeyed: Self.dataKeyed)
                #expect(violations.isEmpty, "\(name): \(violations)")
                checked.append(name)
            } else if url.pathExtension == "safetensors" {
                let violations = try JSONKeyStyle.metadataViolations(ofSafetensors: url)
                #expect(violations.isEmpty, "\(name): \(violations)")
                checked.append(name)
            }
        }
        for expected in [
            "metrics.json", "manifest.json", "align/stage.json", "align/training-log.json", "adapt/training.json",
            "evaluate/stage.json", "sweep/sweep.json", "export-align/adapter-sentence-transformers/era.json",
            "adapt/adapter.safetensors", "export/adapter.safetensors",
        ] {
            #expect(checked.contains(expected), "\(expected) was not written: \(checked.sorted())")
        }
        // The sweep stage writes what `era sweep` writes (one SweepWorkflow.run): its chart too.
        let chart = try String(contentsOf: run.appendingPathComponent("sweep/sweep.svg"), encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("labeled queries"))
        // The figure that had three spellings has one, named after its metric.
        let metrics = try JSONSerialization.jsonObject(
            with: Data(contentsOf: run.appendingPathComponent("metrics.json")))
        let adapt = ((metrics as? [String: Any])?["stages"] as? [String: Any])?["adapt"] as? [String: Any]
        let values = try #require(adapt?["values"] as? [String: Double])
        #expect(values["stage_one_dev_ndcg@10"] != nil && values["dev_ndcg@10"] != nil, "\(values)")
        let training = try String(contentsOf: run.appendingPathComponent("adapt/training.json"), encoding: .utf8)
        #expect(training.contains("\"stage_one_dev_ndcg@10\"") && training.contains("\"dev_ndcg@10\""))
    }

    /// A stage record written before the keys were snake_case (`comparedTo`, `pValue`,
    /// `labeledQueries`, `dev_ndcg10`) still loads, so its stage stays up to date after an upgrade.
    @Test func aStageRecordWithTheOldKeysStillLoads() throws {
        let old = """
            {"artifacts": {"per_query": "per-query.tsv"},
             "evaluation": {"metrics": ["ndcg@10"], "comparedTo": "index-as-is", "upgradeMargin": 0.02,
               "subsets": [{"name": "all", "queries": 3, "description": "all"}],
               "rows": [{"name": "adapt", "role": "stage", "values": {"all": {"ndcg@10": 0.5}},
                 "significance": [{"subset": "all", "metric": "ndcg@10", "difference": 0.1, "pValue": 0.03,
                   "lower": 0.01, "upper": 0.2, "confidence": 0.95}]}]},
             "sweep": {"metric": "ndcg@10", "references": [],
               "series": [{"subset": "all", "points": [{"labeledQueries": 10, "mean": 0.4, "sd": 0.01,
                 "repeats": 3, "differenceToStageOne": 0.05, "pValue": 0.2}]}]},
             "values": {"dev_ndcg10": 0.61, "stage_one_dev_ndcg10": 0.55, "pairs": 12}}
            """
        #expect(
            try JSONKeyStyle.violations(in: Data(old.utf8)) == [
                "/evaluation/comparedTo", "/evaluation/rows[]/significance[]/pValue", "/evaluation/upgradeMargin",
                "/sweep/series[]/points[]/differenceToStageOne", "/sweep/series[]/points[]/labeledQueries",
                "/sweep/series[]/points[]/pValue",
            ])
        let output = try JSONDecoder().decode(StageOutput.self, from: Data(old.utf8))
        let table = try #require(output.evaluation)
        #expect(table.comparedTo == "index-as-is" && table.upgradeMargin == 0.02)
        #expect(table.rows.first?.significance.first?.pValue == 0.03)
        let point = try #require(output.sweep?.series.first?.points.first)
        #expect(point.labeledQueries == 10 && point.differenceToStageOne == 0.05 && point.pValue == 0.2)
        #expect(output.values == ["dev_ndcg@10": 0.61, "stage_one_dev_ndcg@10": 0.55, "pairs": 12])
        // Written back in the one style.
        let violations = try JSONKeyStyle.violations(in: CanonicalJSON.encode(output))
        #expect(violations.isEmpty, "\(violations)")
        #expect(try JSONDecoder().decode(StageOutput.self, from: CanonicalJSON.encode(output)) == output)
    }

    /// The manifest and the adapter metadata were snake_case already and keep their keys: a manifest
    /// and an adapter written by an earlier version (before this change) load as they are.
    @Test func aManifestAndAnAdapterOfAnEarlierVersionStillLoad() throws {
        let manifest = """
            {"config_hash": "b1a9085838ca040fc1c61dbbffe7e3e326670777a42c5e2027282609f450fd7d", "era_version": "0.1.0",
             "finished": "2026-12-07T00:59:03.912Z", "pipeline": "quickstart", "source_file": "/p/quickstart.yaml",
             "inputs": {"data.alignment.ids": {"bytes": 8661, "path": "/p/align_ids.txt", "sha256": "3272c4ae"}},
             "stages": {"align": {"artifacts": {"map": "adapter.safetensors", "training_log": "training-log.json"},
               "completed": "2026-12-07T00:56:07.687Z", "kind": "align", "seconds": 1.28,
               "fingerprint": "80a4c227716beae4397e0de88945ad2467044b4ec96a4ff70edeb162478dfa49"}},
             "started": "2026-12-07T00:56:06.282Z"}
            """
        let decoded = try JSONDecoder().decode(RunManifest.self, from: Data(manifest.utf8))
        #expect(decoded.configHash.hasPrefix("b1a9") && decoded.stages["align"]?.kind == .align)
        #expect(decoded.inputs["data.alignment.ids"]?.bytes == 8661)
        // The metadata of the quickstart's adapt adapter as an earlier version wrote it.
        let directory = try TemporaryDirectory()
        let url = directory.file("old.safetensors")
        try SafetensorsFile(
            tensors: ["weight": .init(Matrix.identity(rows: 2, columns: 3)), "bias": .init(vector: [0, 0])],
            metadata: [
                "adapt_budget": "all", "adapt_family": "linear", "adapter_id": "6361d0f6aa4146ae",
                "config_hash": "cd37e24a448a1e8f", "family": "linear", "format": "era-adapter", "format_version": "1",
                "pairs": "1000", "pipeline": "quickstart", "pipeline_stage": "adapt", "score_offset": "0.3",
                "score_scale": "1.05", "source_dim": "3", "source_model": "q", "stage": "adapt",
                "stage_one_config_hash": "cad226a695f560ef", "target_dim": "2", "target_model": "d", "version": "0.1.0",
            ]
        ).write(to: url)
        let adapter = try Adapter.load(url)
        #expect(adapter.configurationHash == "cd37e24a448a1e8f" && adapter.stage == "adapt")
        #expect(adapter.extraMetadata["score_scale"] == "1.05" && adapter.extraMetadata["pipeline_stage"] == "adapt")
        #expect(try JSONKeyStyle.metadataViolations(ofSafetensors: url).isEmpty)
    }
}
