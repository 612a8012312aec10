import Foundation

/// A Chroma failure a person can act on: each message names the server or collection and says what to do.
public enum ChromaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The location text could not be parsed.
    case invalidLocation(String, reason: String)
    /// No answer from the server after every retry (connection refused, timed out, reset).
    case unreachable(server: String, reason: String, attempts: Int)
    /// The server answered 401/403.
    case unauthorized(server: String, message: String)
    /// The collection (or its tenant or database) does not exist.
    case collectionMissing(location: String, message: String)
    /// The server refused a request (4xx other than the above) with its own message.
    case rejected(location: String, request: String, status: Int, message: String)
    /// An answer that does not hold what was asked (a short page, a truncated body, a wrong shape),
    /// still wrong after every retry.
    case badResponse(location: String, request: String, reason: String)
    /// The collection cannot serve these queries as era scores them.
    case incompatible(location: String, reason: String)
    /// The collection holds more records than the caller agreed to fetch.
    case tooLarge(location: String, count: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidLocation(let text, let reason):
            return "\(text): not a Chroma collection location: \(reason)"
        case .unreachable(let server, let reason, let attempts):
            return
                "cannot reach the Chroma server at \(server) (\(reason); \(attempts) attempt\(attempts == 1 ? "" : "s")): "
                + "is it running (`chroma run --host HOST --port PORT`) and is the host and port right?"
        case .unauthorized(let server, let message):
            return "the Chroma server at \(server) refused the credentials (\(message)): "
                + "set the API token in the environment variable \(ChromaLocation.tokenVariable)"
        case .collectionMissing(let location, let message):
            return "\(location): no such collection (\(message)); check the name, tenant and database "
                + "(?tenant=T&database=D), or list the collections with the Chroma client"
        case .rejected(let location, let request, let status, let message):
            return "\(location): the server refused \(request) (HTTP \(status)): \(message)"
        case .badResponse(let location, let request, let reason):
            return "\(location): \(request): unusable answer after every retry: \(reason)"
        case .incompatible(let location, let reason):
            return "\(location): \(reason)"
        case .tooLarge(let location, let count, let limit):
            return "\(location): holds \(count) records, more than the \(limit) era fetches for an exact comparison; "
                + "raise the limit or compare on a smaller collection"
        }
    }
}
