import EmbeddingIO
import Foundation

/// The keys of JSON era writes that break its one style (snake_case, or a metric name `ndcg@10`
/// after a snake_case prefix: EmbeddingIO's `SnakeCaseKeys.isSnakeCase`).
public enum JSONKeyStyle {
    /// Each offending key with its path (`/stages/adapt/values/devNDCG10`); empty when all follow it.
    /// - Parameters:
    ///   - data: one JSON document.
    ///   - dataKeyed: names of objects whose keys are data, not field names (stage names, config key
    ///     paths, query ids): their own keys are skipped, their values still checked.
    public static func violations(in data: Data, dataKeyed: Set<String> = []) throws -> [String] {
        var found: [String] = []
        func walk(_ value: Any, _ path: String, keysAreData: Bool) {
            if let object = value as? [String: Any] {
                for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                    if !keysAreData, !SnakeCaseKeys.isSnakeCase(key) { found.append("\(path)/\(key)") }
                    walk(child, "\(path)/\(key)", keysAreData: !keysAreData && dataKeyed.contains(key))
                }
            } else if let list = value as? [Any] {
                for child in list { walk(child, "\(path)[]", keysAreData: false) }
            }
        }
        walk(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), "", keysAreData: false)
        return Array(Set(found)).sorted()
    }

    /// The keys of a safetensors file's `__metadata__` that break the style.
    public static func metadataViolations(ofSafetensors url: URL) throws -> [String] {
        try Safetensors.read(url).metadata.keys.filter { !SnakeCaseKeys.isSnakeCase($0) }.sorted()
    }
}
