import Foundation
import Testing

@testable import Pipeline

/// report.html as a browser draws it: headless Chromium takes a screenshot when it is installed.
///
/// With `ERA_REPORT_HTML=<run>/report.html` and `ERA_SCREENSHOT=<file.png>` it shoots that report
/// into that file (how docs/report-screenshot.png is made); otherwise the test report, into a
/// temporary folder.
@Suite("Report screenshot")
struct ReportScreenshotTests {
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":")
            where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    @Test(
        .enabled(
            if: chromium != nil, "headless Chromium is not installed (apt-get install chromium); no screenshot taken"))
    func screenshotOfTheReport() throws {
        let environment = ProcessInfo.processInfo.environment
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "era-screenshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        if let given = environment["ERA_REPORT_HTML"] {
            try FileManager.default.copyItem(at: URL(fileURLWithPath: given), to: page)
        } else {
            try Data(ReportTests.report().html().utf8).write(to: page)
        }
        let output =
            environment["ERA_SCREENSHOT"].map { URL(fileURLWithPath: $0) }
            ?? folder.appendingPathComponent("report.png")
        let height = environment["ERA_SCREENSHOT_HEIGHT"].flatMap(Int.init) ?? 1400

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        // --no-sandbox: Chromium refuses to run as root with its sandbox (containers, CI).
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--screenshot=\(output.path)", "--window-size=1280,\(height)", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? FileManager.default.removeItem(at: output)
        try process.run()
        // A headless browser that hangs must not hang the suite.
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()

        let png = try Data(contentsOf: output)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let pictureHeight = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1280 && pictureHeight == height)
        // A blank page compresses to almost nothing; a drawn report does not.
        #expect(png.count > 20_000)
    }
}
