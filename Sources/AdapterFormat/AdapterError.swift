import Alignment
import Foundation

/// A malformed adapter file.
public struct AdapterError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
