import ArgumentParser

/// `--seed -1` read as the option `--seed` with no value followed by an unknown option `-1`, and
/// swift-argument-parser answered "Missing value for '--seed'", which hides what was wrong. Joining
/// such a pair into `--seed=-1` hands the number to the option, whose own check then says why it
/// is refused ("The value '-1' is invalid for '--seed'", "--budget: expected an integer >= 1, got -5").
/// `.unconditional` parsing on every option would do the same, but would also let a forgotten
/// value swallow the next flag (`--out --force`).
enum NegativeOptionValues {
    /// `arguments` with each `--name NUMBER`, NUMBER negative, written `--name=NUMBER`; nothing
    /// after `--` (the end of options) changes.
    static func attached(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="),
                index + 1 < arguments.count, isNegativeNumber(arguments[index + 1])
            {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    /// `-1`, `-0.5`, `-.5`, `-1e-3`: no option name starts with a digit or a dot.
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        return Double(text) != nil && text.dropFirst().first.map { $0.isNumber || $0 == "." } == true
    }
}
