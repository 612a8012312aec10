import Foundation

/// Where a Chroma collection lives: the server, the tenant and database, and the collection's name.
///
/// Written on the command line as `chroma://HOST:PORT/COLLECTION` (plain HTTP) or
/// `chromas://HOST:PORT/COLLECTION` (HTTPS), with `?tenant=T&database=D` when they are not
/// Chroma's defaults. The API token never appears here: it is read from the environment variable
/// ``tokenVariable`` when a request is made, so it cannot land in a log, a manifest or a shell history.
public struct ChromaLocation: Sendable, Hashable, CustomStringConvertible {
    /// Chroma's default tenant.
    public static let defaultTenant = "default_tenant"
    /// Chroma's default database.
    public static let defaultDatabase = "default_database"
    /// The environment variable holding the API token (sent as `X-Chroma-Token` and `Authorization: Bearer`).
    public static let tokenVariable = "ERA_CHROMA_TOKEN"

    /// The server's base URL, e.g. `http://127.0.0.1:8000` (no path).
    public var server: URL
    public var collection: String
    public var tenant: String
    public var database: String

    /// A location from its parts.
    /// - Throws: ``ChromaError/invalidLocation(_:reason:)`` when `server` is not an http(s) URL
    ///   with a host, or a name is empty.
    public init(
        server: String, collection: String, tenant: String = defaultTenant, database: String = defaultDatabase
    ) throws {
        var text = server
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ChromaError.invalidLocation(server, reason: "expected http://HOST:PORT or https://HOST:PORT")
        }
        for (name, value) in [("collection", collection), ("tenant", tenant), ("database", database)]
        where value.isEmpty || value.contains("/") {
            throw ChromaError.invalidLocation(server, reason: "the \(name) name \"\(value)\" is empty or contains '/'")
        }
        self.server = url
        self.collection = collection
        self.tenant = tenant
        self.database = database
    }

    /// Parses `chroma://HOST:PORT/COLLECTION[?tenant=T&database=D]` (`chromas://` for HTTPS).
    /// - Throws: ``ChromaError/invalidLocation(_:reason:)`` naming what is missing.
    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "chroma" || scheme == "chromas"
        else {
            throw ChromaError.invalidLocation(text, reason: "expected chroma://HOST:PORT/COLLECTION")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ChromaError.invalidLocation(text, reason: "no host; expected chroma://HOST:PORT/COLLECTION")
        }
        let path = components.path.split(separator: "/").map(String.init)
        guard path.count == 1 else {
            throw ChromaError.invalidLocation(text, reason: "expected one collection name after the host and port")
        }
        var tenant = Self.defaultTenant
        var database = Self.defaultDatabase
        for item in components.queryItems ?? [] {
            switch item.name {
            case "tenant": tenant = item.value ?? ""
            case "database": database = item.value ?? ""
            default:
                throw ChromaError.invalidLocation(
                    text, reason: "unknown parameter \"\(item.name)\" (known: tenant, database)")
            }
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let server = "\(scheme == "chromas" ? "https" : "http")://\(host)\(port)"
        try self.init(server: server, collection: path[0], tenant: tenant, database: database)
    }

    /// Whether `text` names a Chroma collection (`chroma://` or `chromas://`) rather than a file.
    public static func isLocation(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("chroma://") || lower.hasPrefix("chromas://")
    }

    /// `chroma://HOST:PORT/COLLECTION`, with the tenant and database when they are not the defaults.
    public var description: String {
        let scheme = server.scheme == "https" ? "chromas" : "chroma"
        let port = server.port.map { ":\($0)" } ?? ""
        var out = "\(scheme)://\(server.host ?? "")\(port)/\(collection)"
        var query: [String] = []
        if tenant != Self.defaultTenant { query.append("tenant=\(tenant)") }
        if database != Self.defaultDatabase { query.append("database=\(database)") }
        if !query.isEmpty { out += "?" + query.joined(separator: "&") }
        return out
    }

    /// The token from ``tokenVariable`` (nil when unset or empty).
    static var token: String? {
        ProcessInfo.processInfo.environment[tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
    }
}
