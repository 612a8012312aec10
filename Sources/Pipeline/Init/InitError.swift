import EmbeddingIO
import Foundation

/// Why `era init` wrote nothing, in words a person can act on.
public struct InitError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
