import Foundation
import Pipeline
import Testing
import _TestSupport

/// `data.index.chroma` is read and checked without contacting the server.
@Suite struct ChromaConfigTests {
    func load(_ index: String) throws -> PipelineConfig {
        let directory = try TemporaryDirectory()
        let yaml = storePipelineText(name: "c", index: index)
        let path = try directory.write("p.yaml", text: yaml)
        return try PipelineConfig.load(path: path.path, checkFiles: false)
    }

    @Test func aCollectionWithChromasDefaults() throws {
        let config = try load("    chroma: {url: \"http://127.0.0.1:8000/\", collection: docs}")
        let chroma = try #require(config.data.index?.chroma)
        #expect(chroma.tenant == "default_tenant" && chroma.database == "default_database")
        #expect(try chroma.location.description == "chroma://127.0.0.1:8000/docs")
        #expect(config.data.index?.embeddings == nil)
    }

    @Test func problemsNameTheKey() throws {
        for (index, expected) in [
            ("    chroma: {url: \"ftp://x\", collection: docs}", "data.index.chroma: ftp://x"),
            ("    chroma: {url: \"http://h:1\"}", "missing required key \"collection\""),
            ("    chroma: {url: \"http://h:1\", collection: d, tenat: t}", "did you mean \"tenant\""),
            (
                "    embeddings: x.npy\n    chroma: {url: \"http://h:1\", collection: d}",
                "data.index.embeddings: not used with data.index.chroma"
            ),
        ] {
            #expect("\(index)") {
                _ = try load(index)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }
}
