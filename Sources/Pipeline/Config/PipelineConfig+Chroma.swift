import Chroma

extension ConfigDecoder {
    /// `chroma: {url, collection, tenant, database}` under `data.index`; tenant and database default
    /// to Chroma's. The URL and names are checked here; the server is not contacted.
    func decodeChroma(_ index: inout MappingReader) -> ChromaIndexConfig? {
        guard var reader = index.child("chroma") else { return nil }
        defer { reader.finish() }
        let url = reader.string("url"), collection = reader.string("collection")
        let tenant = reader.string("tenant") ?? ChromaLocation.defaultTenant
        let database = reader.string("database") ?? ChromaLocation.defaultDatabase
        for (key, value) in [("url", url), ("collection", collection)] where value == nil && reader.node[key] == nil {
            log.add(reader.node.location, reader.path, "missing required key \"\(key)\"")
        }
        guard let url, let collection else { return nil }
        do {
            _ = try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database)
        } catch {
            // Recorded, and the index still counts as set: one problem, not a second "needs data.index".
            log.add(reader.node.location, reader.path, "\(error)")
        }
        return ChromaIndexConfig(url: url, collection: collection, tenant: tenant, database: database)
    }
}

extension ChromaIndexConfig {
    /// The collection's location (checked when the configuration was read).
    public var location: ChromaLocation {
        get throws { try ChromaLocation(server: url, collection: collection, tenant: tenant, database: database) }
    }
}
