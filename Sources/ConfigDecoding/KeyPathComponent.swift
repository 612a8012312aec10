/// One step of a key path: a mapping key or a list index.
package enum KeyPathComponent: Hashable {
    case key(String)
    case index(Int)

    /// Splits `a.b[1].c` into components; nil when malformed.
    package static func parse(_ path: String) -> [KeyPathComponent]? {
        var components: [KeyPathComponent] = []
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(segment)
            let name = rest.prefix(while: { $0 != "[" })
            rest = rest.dropFirst(name.count)
            if !name.isEmpty { components.append(.key(String(name))) }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0
                else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            if name.isEmpty && components.isEmpty { return nil }
            if name.isEmpty && segment.first != "[" { return nil }
        }
        return components.isEmpty ? nil : components
    }
}
