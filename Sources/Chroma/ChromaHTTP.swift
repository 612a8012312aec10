import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange with retries: transient failures (no connection, timeout, 5xx, 429, a body
/// that does not decode) are retried with exponential backoff; a 4xx answer is final.
struct ChromaHTTP: Sendable {
    let location: ChromaLocation
    let policy: ChromaRetryPolicy
    let counters = Counters()

    /// An answer to decode; throwing ``Transient`` from `decode` makes the request count as failed and retried.
    struct Transient: Error { var reason: String }

    /// Sends `method path` with `body` (JSON) and decodes the answer, retrying transient failures.
    /// - Parameter what: the request in a person's words, for messages ("get 300 records by id").
    func send<T>(
        _ method: String, _ path: String, body: Data? = nil, what: String, decode: (Data) throws -> T
    ) throws -> T {
        var lastReason = ""
        var delay = policy.backoff
        for attempt in 1...policy.attempts {
            if attempt > 1 {
                counters.update { $0.retries += 1 }
                Thread.sleep(forTimeInterval: delay)
                delay *= 2
            }
            let start = Date()
            let answer = exchange(method, path, body: body)
            counters.update {
                $0.requests += 1
                $0.seconds += Date().timeIntervalSince(start)
            }
            switch answer {
            case .failure(let reason):
                lastReason = reason
                continue
            case .response(let status, let data):
                counters.update { $0.bytesReceived += data.count }
                if status == 200 {
                    do { return try decode(data) } catch let error as Transient {
                        lastReason = error.reason
                        continue
                    }
                }
                let message = Self.serverMessage(data)
                switch status {
                case 401, 403: throw ChromaError.unauthorized(server: location.server.absoluteString, message: message)
                case 404: throw ChromaError.collectionMissing(location: location.description, message: message)
                case 429, 500...599: lastReason = "HTTP \(status): \(message)"
                default:
                    throw ChromaError.rejected(
                        location: location.description, request: what, status: status, message: message)
                }
            }
        }
        if lastReason.hasPrefix("HTTP ") || lastReason.hasPrefix("answer: ") {
            throw ChromaError.badResponse(location: location.description, request: what, reason: lastReason)
        }
        throw ChromaError.unreachable(
            server: location.server.absoluteString, reason: lastReason, attempts: policy.attempts)
    }

    private enum Answer {
        case response(Int, Data)
        case failure(String)
    }

    /// One request, bounded by the policy's timeout even if the session never calls back.
    private func exchange(_ method: String, _ path: String, body: Data?) -> Answer {
        guard let url = URL(string: location.server.absoluteString + path) else {
            return .failure("bad URL path \(path)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: policy.timeout)
        request.httpMethod = method
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token = ChromaLocation.token {
            request.setValue(token, forHTTPHeaderField: "X-Chroma-Token")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let box = AnswerBox()
        let task = Self.session.dataTask(with: request) { data, response, error in
            if let error {
                box.set(.failure(Self.describe(error)))
            } else if let http = response as? HTTPURLResponse {
                box.set(.response(http.statusCode, data ?? Data()))
            } else {
                box.set(.failure("no HTTP response"))
            }
        }
        task.resume()
        // FoundationNetworking does not always enforce timeoutInterval on a silent server: this wait does.
        if box.wait(seconds: policy.timeout + 0.5) { return box.answer ?? .failure("no answer") }
        task.cancel()
        return .failure("timed out after \(policy.timeout) s")
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()

    private static func describe(_ error: Error) -> String {
        guard let urlError = error as? URLError else { return "\(error)" }
        switch urlError.code {
        case .cannotConnectToHost: return "connection refused"
        case .timedOut: return "timed out"
        case .networkConnectionLost: return "connection lost"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host"
        case .notConnectedToInternet: return "no network"
        default: return urlError.localizedDescription
        }
    }

    /// The `message` of Chroma's `{"error": ..., "message": ...}` body, else the body's start.
    static func serverMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = object["message"] as? String
        {
            return message
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }

    private final class AnswerBox: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var stored: Answer?

        func set(_ answer: Answer) {
            lock.lock()
            stored = answer
            lock.unlock()
            semaphore.signal()
        }

        var answer: Answer? {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }

        func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
    }

    final class Counters: @unchecked Sendable {
        private let lock = NSLock()
        private var traffic = ChromaTraffic()

        func update(_ body: (inout ChromaTraffic) -> Void) {
            lock.lock()
            body(&traffic)
            lock.unlock()
        }

        var snapshot: ChromaTraffic {
            lock.lock()
            defer { lock.unlock() }
            return traffic
        }
    }
}
