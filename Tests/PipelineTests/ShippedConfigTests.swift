import EmbeddingIO
import Foundation
import Testing
import _TestSupport

@testable import Pipeline

@Suite("configs/ and docs/pipelines.md")
struct ShippedConfigTests {
    let root = SharedData.packageRoot

    /// A pipeline in a temporary folder that uses every shipped piece on the quickstart data.
    func pipelineUsingConfigs(_ fixture: PipelineFixture) throws -> String {
        let configs = root.appendingPathComponent("configs").path
        return try fixture.write(
            "all.yaml",
            """
            include:
              - \(configs)/models/mpnet-to-minilm.yaml
              - \(configs)/data/scifact-quickstart.yaml
            stages:
              - name: align
                extends: \(configs)/presets/align-default.yaml
              - name: paper
                extends: \(configs)/presets/align-era-paper.yaml
              - name: adapt
                extends: \(configs)/presets/adapt-default.yaml
                options: {from: align, budget: 32}
              - name: rotation
                extends: \(configs)/presets/adapt-rotation.yaml
                options: {from: align}
              - kind: evaluate
                options: {compare_to: align}
              - kind: sweep
                options: {adapt: adapt}
              - kind: export
            """)
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(
                atPath: SharedData.packageRoot.appendingPathComponent("Pipelines/quickstart/index.minilm.npy").path),
            "the quickstart data is not in this checkout"))
    func shippedPiecesLoadAndMatchTheQuickstartFiles() throws {
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        _ = try pipelineUsingConfigs(fixture)
        let config = try fixture.load("all.yaml")
        #expect(config.models.query.dim == 768 && config.models.index.dim == 384)
        #expect(config.stages.map(\.kind) == [.align, .align, .adapt, .adapt, .evaluate, .sweep, .export])
        guard case .align(let paper) = config.stages[1].options,
            case .adapt(let rotation) = config.stages[3].options
        else {
            Issue.record("presets did not give the expected kinds")
            return
        }
        #expect(paper.loss == .cosine && paper.warmStart == .random && paper.samples == 1000)
        #expect(rotation.map == .rotation && rotation.negatives.kinds == [.hard, .inBatch])
    }

    /// Every key the resolved configuration can hold is documented in docs/pipelines.md.
    @Test func everyKeyIsDocumented() throws {
        let docs = try String(contentsOf: root.appendingPathComponent("docs/pipelines.md"), encoding: .utf8)
        let fixture = try PipelineFixture()
        defer { fixture.remove() }
        try fixture.write(
            "full.yaml",
            pipeline(
                stages: """
                    stages:
                      - kind: align
                        options: {samples: 100}
                      - kind: adapt
                        options: {budget: 2}
                      - kind: evaluate
                        options: {compare_to: align}
                      - kind: sweep
                      - kind: export
                    """, header: "seed: 1\noutput: out\nmodels: {query: {name: q, dim: 6}, index: {name: d, dim: 4}}"))
        let config = try fixture.load("full.yaml")
        let json = try JSONSerialization.jsonObject(with: CanonicalJSON.encode(config))
        var keys = Set<String>()
        func collect(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, child) in dictionary { keys.insert(key); collect(child) }
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(json)
        let undocumented = keys.filter { key in
            ["`\(key)`", ".\(key)`", ".\(key).", "`\(key)."].allSatisfy { !docs.contains($0) }
        }
        #expect(undocumented.isEmpty, "undocumented keys: \(undocumented.sorted())")
        #expect(keys.count > 60)
    }
}
