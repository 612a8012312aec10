import Foundation
import LinearAlgebra
import Testing
import _TestSupport

/// The `era` command runs the kernels `BLASKernels` recommends for this machine: it restarts
/// itself with `OPENBLAS_CORETYPE` set where OpenBLAS fell back to its oldest kernels (as Debian 12's
/// OpenBLAS does on a 5th-generation Xeon), and keeps a core type the user set. `era-bench` reports
/// the kernels it ran on and restarts itself the same way; a run's manifest.json records `era`'s.
@Suite struct BLASKernelRestartTests {
    static func kernels(_ environment: [String: String?]) throws -> (running: Any?, chose: Any?) {
        let result = try EraProcess.run(
            ["search", "--docs", "50", "--queries", "5", "--dim", "8", "--json"], environment: environment,
            executable: EraProcess.benchExecutable)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        return (json["blas_kernels"], json["blas_kernels_openblas_chose"])
    }

    /// This test process is not restarted: its kernels are OpenBLAS's own choice, unless the
    /// environment named a core type.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
            "OPENBLAS_CORETYPE is set for the tests: OpenBLAS's own choice is unknown here"))
    func eraRunsTheRecommendedKernels() throws {
        guard let detected = BLASKernels.coreName else { return }  // another BLAS: nothing to choose
        let (running, chose) = try Self.kernels(["OPENBLAS_CORETYPE": nil, "ERA_OPENBLAS_DETECTED_CORE": nil])
        if let recommended = BLASKernels.recommendedCoreType(
            coreName: detected, cpuFlags: BLASKernels.cpuFlags, environment: [:])
        {
            #expect((running as? String)?.lowercased() == recommended.lowercased())
            #expect(chose as? String == detected)
        } else {
            #expect(running as? String == detected)
            #expect(chose is NSNull)
        }
    }

    @Test func aCoreTypeTheUserSetIsKept() throws {
        // Prescott is an x86-64 core type: elsewhere OpenBLAS would not know the name.
        guard BLASKernels.coreName != nil, BLASKernels.cpuFlags.contains("sse2") else { return }
        let (running, chose) = try Self.kernels(["OPENBLAS_CORETYPE": "Prescott"])
        #expect((running as? String)?.lowercased() == "prescott")
        #expect(chose is NSNull)
    }

    /// `era` itself restarts as `era-bench` does: the manifest of a run (one align stage on the
    /// planted data of RunKillResumeTests) records the kernels that `era-bench` reports running on.
    @Test func eraRunsOnTheKernelsEraBenchReports() throws {
        guard BLASKernels.coreName != nil else { return }  // another BLAS: nothing to choose
        let temp = try TemporaryDirectory()
        defer { temp.cleanUp() }
        try RunKillResumeTests.writeData(in: temp.url)
        try temp.write(
            """
            name: kernels
            seed: 0
            models:
              query: {name: planted-query-model, dim: 24}
              index: {name: planted-index-model, dim: 16}
            data:
              alignment: {query_model: align.query.npy, index_model: align.index.npy, ids: align_ids.txt}
            stages:
              - name: align
                options: {epochs: 0}
            """, to: "pipeline.yaml")
        let output = temp.url.appendingPathComponent("run")
        let environment: [String: String?] = ["OPENBLAS_CORETYPE": nil, "ERA_OPENBLAS_DETECTED_CORE": nil]
        let run = try EraProcess.run(
            ["run", temp.url.appendingPathComponent("pipeline.yaml").path, "--set", "output=\(output.path)"],
            environment: environment)
        try #require(run.status == 0, "\(run.stderr)")
        let manifest = try RunKillResumeTests.json(output.appendingPathComponent("manifest.json"))
        let (running, chose) = try Self.kernels(environment)
        #expect(manifest["blas_kernels"] as? String == running as? String)
        #expect((manifest["blas_kernels_openblas_chose"] as? String) == (chose as? String))
    }
}
