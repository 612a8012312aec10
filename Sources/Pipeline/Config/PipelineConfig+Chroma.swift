import Chroma

extension ChromaIndexConfig {
    /// The collection's location (checked when the configuration was read).
    public var location: ChromaLocation {
        get throws { try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database) }
    }
}
