import ArgumentParser
import Workflows

/// Bridges the CLI to the settings declarations (``DeclaredSettings``): a command's options are
/// optional properties named after each setting's flag, with help and default text taken from the
/// declaration, and ``flagValues(of:)`` hands the values that were given to the library's
/// settings type, which keeps its own defaults for the rest. A flag's name, default, range and doc
/// line live in the declaration only.
extension ArgumentHelp {
    /// The declaration's doc line and default.
    static func setting<Root: DeclaredSettings>(_ root: Root.Type, _ key: String) -> ArgumentHelp {
        let setting = Root.setting(key)
        return ArgumentHelp("\(setting.doc) (default: \(setting.text(Root())))")
    }
}

/// A comma-separated list as one argument: `--negatives hard,in-batch`.
struct CommaList<Element: ExpressibleByArgument & Sendable>: ExpressibleByArgument, Sendable {
    var elements: [Element]

    /// An empty argument is the empty list (`--guardrail-scales ""`); the setting's range says
    /// whether it may be empty.
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let parsed = parts.compactMap(Element.init(argument:))
        guard parsed.count == parts.count else { return nil }
        elements = parsed
    }
}

/// The options that were given, by flag: `--learning-rate 0.1` yields `("learning-rate", 0.1)`.
/// Options left out (nil) are not listed; option groups are searched too.
func flagValues(of arguments: Any) -> [(flag: String, value: Any)] {
    var values: [(flag: String, value: Any)] = []
    for child in Mirror(reflecting: arguments).children {
        guard let label = child.label, label.hasPrefix("_") else { continue }
        if let group = child.value as? any ParsedGroup {
            values += flagValues(of: group.groupValue)
        } else if let parsed = child.value as? any ParsedValue, let value = parsed.parsedValue {
            values.append((kebabCase(String(label.dropFirst())), value))
        }
    }
    return values
}

/// `learningRate` -> `learning-rate`.
func kebabCase(_ name: String) -> String {
    name.reduce(into: "") { out, character in
        if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
    }
}

protocol ParsedValue { var parsedValue: Any? { get } }
protocol ParsedGroup { var groupValue: Any { get } }

extension Option: ParsedValue {
    var parsedValue: Any? { unwrapped(wrappedValue) }
}

extension Flag: ParsedValue {
    var parsedValue: Any? { unwrapped(wrappedValue) }
}

extension OptionGroup: ParsedGroup {
    var groupValue: Any { wrappedValue }
}

/// The value inside an Optional (nil for none), a comma list's elements, or the value itself.
private func unwrapped(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional {
        guard let inner = mirror.children.first?.value else { return nil }
        return unwrapped(inner)
    }
    if let list = value as? any CommaElements { return list.anyElements }
    return value
}

private protocol CommaElements { var anyElements: Any { get } }
extension CommaList: CommaElements { var anyElements: Any { elements } }

/// `--budgets 10,25,all`: numbers, and `all` for every labeled query.
struct BudgetList: ExpressibleByArgument, Sendable {
    var values: [Int]
    var includeAll: Bool

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.filter { $0 != "all" }.compactMap { Int($0) }
        guard !parts.isEmpty, numbers.count + parts.filter({ $0 == "all" }).count == parts.count,
            numbers.allSatisfy({ $0 > 0 })
        else { return nil }
        values = numbers
        includeAll = parts.contains("all")
    }
}
