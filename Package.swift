// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "era",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "era", targets: ["era"]),
        .library(name: "Settings", targets: ["Settings"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "EmbeddingIO", targets: ["EmbeddingIO"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "Alignment", targets: ["Alignment"]),
        .library(name: "Chroma", targets: ["Chroma"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "AdapterFormat", targets: ["AdapterFormat"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .systemLibrary(name: "CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "Settings"),
        .target(name: "LinearAlgebra", dependencies: ["CLapack"]),
        .target(name: "EmbeddingIO", dependencies: ["LinearAlgebra"]),
        .target(name: "Retrieval", dependencies: ["LinearAlgebra", "EmbeddingIO"]),
        .target(name: "Alignment", dependencies: ["Settings", "LinearAlgebra", "EmbeddingIO", "Retrieval"]),
        .target(name: "Chroma", dependencies: ["LinearAlgebra"]),
        .target(name: "Postgres", dependencies: ["CLibpq", "LinearAlgebra", "EmbeddingIO"]),
        .target(name: "Reports", dependencies: ["Settings", "Alignment", "EmbeddingIO"]),
        .target(name: "AdapterFormat", dependencies: ["LinearAlgebra", "EmbeddingIO", "Alignment"]),
        .target(
            name: "Workflows",
            dependencies: [
                "Settings", "LinearAlgebra", "EmbeddingIO", "Retrieval", "Alignment", "Chroma", "Postgres", "Reports",
                "AdapterFormat",
            ]),
        // Benchmarks of the use cases on synthetic data, apart from the library products; `era-bench`
        // runs them (docs/benchmarks.md).
        .target(
            name: "Benchmarks",
            dependencies: [
                "Settings", "LinearAlgebra", "EmbeddingIO", "Retrieval", "Alignment", "AdapterFormat", "Workflows",
            ]),
        .executableTarget(
            name: "era-bench",
            dependencies: [
                "Benchmarks", "Workflows", "Settings", "Alignment", "AdapterFormat", "Retrieval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "ConfigDecoding",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "ConfigDecoding", "Settings", "LinearAlgebra", "EmbeddingIO", "Retrieval", "Alignment", "Workflows", "Chroma",
                "Postgres", "Reports", "AdapterFormat",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "era",
            dependencies: [
                "Settings", "LinearAlgebra", "EmbeddingIO", "Retrieval", "Alignment", "Workflows", "Pipeline", "Chroma",
                "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "_OneBLASThread", path: "Tests/_OneBLASThread"),
        .target(
            name: "_TestSupport", dependencies: ["LinearAlgebra", "EmbeddingIO", "_OneBLASThread"],
            path: "Tests/_TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "_TestSupport"]),
        .testTarget(
            name: "EmbeddingIOTests", dependencies: ["EmbeddingIO", "Retrieval", "_TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "_TestSupport"]),
        .testTarget(name: "AlignmentTests", dependencies: ["Alignment", "_TestSupport"]),
        .testTarget(
            name: "BenchmarksTests",
            dependencies: ["Benchmarks", "Workflows", "Alignment", "EmbeddingIO", "LinearAlgebra", "Retrieval", "_TestSupport"]),
        .testTarget(
            name: "WorkflowsTests", dependencies: ["Workflows", "Alignment", "Retrieval", "Reports", "_TestSupport", "AdapterFormat"]),
        .testTarget(
            name: "ChromaTests", dependencies: ["Chroma", "Workflows", "Pipeline", "Retrieval", "Alignment", "_TestSupport", "AdapterFormat"]),
        .testTarget(
            name: "PostgresTests",
            dependencies: [
                "Postgres", "Workflows", "Pipeline", "Alignment", "Retrieval", "EmbeddingIO", "LinearAlgebra",
                "_TestSupport", "AdapterFormat",
            ]),
        .testTarget(
            name: "PipelineTests", dependencies: ["ConfigDecoding", "Pipeline", "Workflows", "Alignment", "Settings", "Reports", "_TestSupport", "AdapterFormat"]),
        .testTarget(
            name: "eraTests",
            dependencies: ["era", "era-bench", "Workflows", "Alignment", "Settings", "EmbeddingIO", "LinearAlgebra", "_TestSupport", "AdapterFormat"]),
    ],
    swiftLanguageModes: [.v6]
)
