import Testing

@testable import LinearAlgebra

/// When the `era` command restarts itself with `OPENBLAS_CORETYPE` set: only where OpenBLAS fell
/// back to pre-AVX2 kernels on a CPU that has AVX2 and FMA, and never over the user's own choice.
@Suite struct BLASKernelsTests {
    static let avx2: Set<String> = ["sse4_2", "avx", "avx2", "fma"]
    static let avx512 = avx2.union(["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"])

    @Test func aFallbackOnAnAVX512CPUGetsTheSkylakeXKernels() {
        #expect(
            BLASKernels.recommendedCoreType(coreName: "Prescott", cpuFlags: Self.avx512, environment: [:]) == "SkylakeX"
        )
    }

    @Test func aFallbackOnAnAVX2CPUGetsTheHaswellKernels() {
        #expect(
            BLASKernels.recommendedCoreType(coreName: "Prescott", cpuFlags: Self.avx2, environment: [:]) == "Haswell")
        // AVX-512 without the byte/word and vector-length parts is not what the SkylakeX kernels need.
        let partial = Self.avx2.union(["avx512f"])
        #expect(BLASKernels.recommendedCoreType(coreName: "Nehalem", cpuFlags: partial, environment: [:]) == "Haswell")
    }

    @Test(arguments: ["Haswell", "SkylakeX", "skylakex", "Zen", "Cooperlake", "SapphireRapids"])
    func kernelsThatUseAVX2AreKept(core: String) {
        #expect(BLASKernels.recommendedCoreType(coreName: core, cpuFlags: Self.avx512, environment: [:]) == nil)
    }

    @Test func theUsersChoiceAnotherBLASAndAnOldCPUAreLeftAlone() {
        let chosen = ["OPENBLAS_CORETYPE": "Prescott"]
        #expect(
            BLASKernels.recommendedCoreType(coreName: "Prescott", cpuFlags: Self.avx512, environment: chosen) == nil)
        #expect(BLASKernels.recommendedCoreType(coreName: nil, cpuFlags: Self.avx512, environment: [:]) == nil)
        #expect(
            BLASKernels.recommendedCoreType(coreName: "Prescott", cpuFlags: ["sse3", "avx"], environment: [:]) == nil)
        #expect(BLASKernels.recommendedCoreType(coreName: "Prescott", cpuFlags: [], environment: [:]) == nil)
    }
}
