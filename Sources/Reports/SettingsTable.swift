import Alignment
import Settings

/// The documentation table of a settings type, generated from its declarations.
public enum SettingsTable {
    /// `| key | valid values | default | meaning |`, one row per declared setting, in declaration order.
    public static func markdown<Root: DeclaredSettings>(_ type: Root.Type) -> String {
        let defaults = Root()
        var lines = ["| key | valid values | default | meaning |", "| --- | --- | --- | --- |"]
        for setting in Root.settings {
            let valid =
                setting.expectation.hasPrefix("one of ")
                ? String(setting.expectation.dropFirst(7)) : setting.expectation
            lines.append("| `\(setting.key)` | \(valid) | `\(setting.text(defaults))` | \(setting.doc) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
