import Foundation
import Testing
import _TestSupport

@testable import Pipeline

/// ``IndexStores/all`` holds every store a pipeline can name, and each store's key path is the one
/// its configuration problems, its errors and its manifest entry use.
@Suite struct IndexStoresTests {
    static let keyPaths = ["data.index.chroma", "data.index.postgres"]
    static let blocks = [
        "    chroma: {url: \"http://127.0.0.1:8000/\", collection: docs}",
        "    postgres: {uri: \"postgresql://era@/db?host=/tmp\", table: docs}",
    ]

    func load(_ index: String) throws -> PipelineConfig {
        let directory = try TemporaryDirectory()
        let yaml = storePipelineText(name: "s", index: index)
        return try PipelineConfig.load(path: try directory.write("p.yaml", text: yaml).path, checkFiles: false)
    }

    @Test func theRegistryHoldsEveryStoreInItsOrder() {
        #expect(
            IndexStores.all.map(ObjectIdentifier.init)
                == [ObjectIdentifier(ChromaIndexConfig.self), ObjectIdentifier(PostgresIndexConfig.self)])
        #expect(IndexStores.all.map { $0.keyPath } == Self.keyPaths)
        for keyPath in Self.keyPaths { #expect(IndexStores.store(at: keyPath)?.keyPath == keyPath) }
        #expect(IndexStores.store(at: "data.index.embeddings") == nil)
    }

    @Test func aDecodedStoreIsNamedByItsKeyPath() throws {
        for (block, keyPath) in zip(Self.blocks, Self.keyPaths) {
            let index = try #require(try load(block).data.index)
            #expect(index.isStore && index.embeddings == nil)
            #expect(index.storeKeyPath == keyPath)
            #expect(StageInputs.indexKeyPath(try load(block).data) == keyPath)
            #expect(throws: (any Error).self) {
                _ = try load("    embeddings: x.npy\n" + block)
            }
            do { _ = try load("    embeddings: x.npy\n" + block) } catch {
                #expect("\(error)".contains("data.index.embeddings: not used with \(keyPath)"), "\(error)")
            }
        }
    }

    /// A location refused when the store is opened: as the index a stage reads, and as the manifest
    /// reads its identity, the error starts with the store's key path.
    @Test func errorsAndTheManifestUseTheKeyPath() throws {
        let stores: [any IndexStoreConfig] = [
            ChromaIndexConfig(url: "ftp://x", collection: "docs", tenant: "t", database: "d"),
            PostgresIndexConfig(uri: "mysql://x/db", table: "docs", retryAttempts: 1, retryDelay: 0),
        ]
        for (store, keyPath) in zip(stores, Self.keyPaths) {
            #expect(type(of: store).keyPath == keyPath)
            for read in [{ _ = try store.indexSource() }, { _ = try store.readIdentity() }] {
                do {
                    try read()
                    Issue.record("\(keyPath): expected an error")
                } catch {
                    #expect(error is PipelineRunError && "\(error)".hasPrefix("\(keyPath): "), "\(error)")
                }
            }
        }
    }

    /// `config.resolved.yaml` writes the store under its own key, after the files and before
    /// `query_model_embeddings` (the order the synthesized encoding of `chroma` / `postgres` fields had).
    @Test func theResolvedConfigWritesTheStoreUnderItsKey() throws {
        for (block, keyPath) in zip(Self.blocks, Self.keyPaths) {
            let config = try load(block + "\n    query_model_embeddings: dq.npy")
            let yaml = try ResolvedConfigYAML.render(config)
            let key = String(keyPath.dropFirst("data.index.".count))
            let store = try #require(yaml.range(of: "\n  index:\n    \(key):\n"), "\(yaml)")
            let after = try #require(yaml.range(of: "\n    query_model_embeddings: "), "\(yaml)")
            #expect(store.upperBound < after.lowerBound, "\(yaml)")
        }
    }
}
