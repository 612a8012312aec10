import Foundation

/// Why `era init` wrote nothing, in words a person can act on.
package struct InitError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
