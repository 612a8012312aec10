import Foundation
import Pipeline
import Postgres
import Testing
import _TestSupport

/// `data.index.postgres` is read and checked without contacting the server.
@Suite struct PostgresConfigTests {
    func load(_ index: String) throws -> PipelineConfig {
        let directory = try TemporaryDirectory()
        let yaml = storePipelineText(name: "p", index: index)
        let path = try directory.write("p.yaml", text: yaml)
        return try PipelineConfig.load(path: path.path, checkFiles: false)
    }

    @Test func aTableWithDefaultColumns() throws {
        let config = try load(
            "    postgres: {uri: \"postgresql://era@/docs?host=/tmp/pg\", table: items, ef_search: 100}")
        let postgres = try #require(config.data.index?.postgres)
        #expect(postgres.idColumn == "id" && postgres.embeddingColumn == "embedding" && postgres.efSearch == 100)
        let location = try postgres.location
        #expect(location.table == "items" && location.connection == "postgresql://era@/docs?host=/tmp/pg")
        #expect(location.description == "postgresql://era@/docs?host=/tmp/pg&table=items")
        #expect(config.data.index?.embeddings == nil && config.data.index?.chroma == nil)
        #expect(postgres.retryPolicy == PostgresRetryPolicy())
    }

    /// How soon a lost server is given up on: the pipeline's keys reach the policy every stage connects with.
    @Test func theRetryKeysSetThePolicy() throws {
        let config = try load(
            "    postgres: {uri: \"postgresql://era@/docs?host=/tmp/pg\", table: items, retry_attempts: 2, "
                + "retry_delay: 0.5}")
        let policy = try #require(config.data.index?.postgres?.retryPolicy)
        #expect(policy.attempts == 2 && policy.firstDelay == 0.5)
        #expect(policy.statementTimeoutSeconds == PostgresRetryPolicy().statementTimeoutSeconds)
    }

    /// Each problem is reported at its file, line and column, with the key and what to do.
    @Test func problemsNameTheKeyAndPlace() throws {
        for (index, expected) in [
            (
                "    chroma: {url: \"http://h:1\", collection: d}\n    postgres: {uri: \"postgresql://u@h/db\", table: t}",
                "p.yaml:7:15: data.index.postgres: data.index names two indexes, data.index.chroma and data.index.postgres"
            ),
            (
                "    postgres: {uri: \"postgresql://u:secret@h/db\", table: t}",
                "p.yaml:6:21: data.index.postgres.uri: postgresql://u:***@h/db"
            ),
            ("    postgres: {uri: \"postgresql://u@h/db?password=x\", table: t}", "holds password="),
            ("    postgres: {uri: \"postgresql://u@h/db?table=x\", table: t}", "data.index.postgres.table"),
            ("    postgres: {uri: \"postgresql://u@h/db\"}", "missing required key \"table\""),
            ("    postgres: {uri: \"postgresql://u@h/db\", table: t, id_colum: k}", "did you mean \"id_column\""),
            ("    postgres: {uri: \"postgresql://u@h/db\", table: t, ef_search: 0}", "expected an integer >= 1"),
            ("    postgres: {uri: \"postgresql://u@h/db\", table: t, retry_attempts: 0}", "expected an integer >= 1"),
            (
                "    postgres: {uri: \"postgresql://u@h/db\", table: t, retry_delay: -1}",
                "data.index.postgres.retry_delay: expected a number of seconds >= 0"
            ),
            (
                "    ids: x.txt\n    postgres: {uri: \"postgresql://u@h/db\", table: t}",
                "data.index.ids: not used with data.index.postgres"
            ),
        ] {
            #expect("\(index)") {
                _ = try load(index)
            } throws: { error in
                let message = "\(error)"
                return message.contains(expected) && !message.contains("secret")
            }
        }
    }
}
