import Chroma

/// `data.index.chroma`: a collection on a Chroma server. The API token is never here: era reads
/// it from the environment variable `ERA_CHROMA_TOKEN`.
public struct ChromaIndexConfig: Sendable, Hashable, Encodable {
    /// The server, `http://HOST:PORT` (or https).
    public var url: String
    public var collection: String
    public var tenant: String
    public var database: String

    /// The collection's location (checked when the configuration was read).
    public var location: ChromaLocation {
        get throws { try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database) }
    }
}
