// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "merge-planner",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "plan", targets: ["plan"]),
        .library(name: "PlanCore", targets: ["PlanCore"]),
        .library(name: "PlanSim", targets: ["PlanSim"]),
        .library(name: "PlanKernels", targets: ["PlanKernels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .target(name: "CMergeKernels", exclude: ["README.md"]),
        .target(name: "PlanRandom", exclude: ["README.md"]),
        // JSON string literals, decoded once for PlanReport's parser and PlanKernels' key scan.
        .target(name: "PlanJSON", exclude: ["README.md"]),
        .target(
            name: "PlanCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            exclude: ["README.md"],
            resources: [.copy("Resources")]
        ),
        .target(name: "PlanSim", dependencies: ["PlanCore", "PlanRandom"], exclude: ["README.md"]),
        .target(name: "PlanKernels", dependencies: ["CBLAS", "CMergeKernels", "PlanRandom", "PlanJSON"], exclude: ["README.md"]),
        .target(name: "PlanValidate", dependencies: ["PlanKernels", "PlanCore", "PlanRandom"], exclude: ["README.md"]),
        .target(
            name: "PlanStore",
            dependencies: ["PlanCore", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        .target(name: "PlanReport", dependencies: ["PlanSim", "PlanCore", "PlanJSON"], exclude: ["README.md"]),
        .target(
            name: "PlanCommands",
            dependencies: [
                "PlanCore", "PlanSim", "PlanKernels", "PlanValidate", "PlanStore", "PlanReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "plan", dependencies: ["PlanCommands"]),
        // Helpers shared by the test targets (temporary folders, snapshots); only test targets depend on it.
        .target(name: "PlanTestSupport", dependencies: ["PlanRandom"], path: "Tests/PlanTestSupport", exclude: ["README.md"]),
        .testTarget(name: "PlanRandomTests", dependencies: ["PlanRandom"]),
        .testTarget(name: "PlanJSONTests", dependencies: ["PlanJSON"]),
        .testTarget(name: "PlanCoreTests", dependencies: ["PlanCore", "PlanRandom", "PlanTestSupport"], exclude: ["Fixtures"]),
        // Golden files are read from the source tree (#filePath), not bundled.
        .testTarget(name: "PlanSimTests", dependencies: ["PlanSim", "PlanCore", "PlanRandom"], exclude: ["Golden"]),
        .testTarget(
            name: "PlanKernelsTests", dependencies: ["PlanKernels", "PlanRandom", "PlanTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PlanStoreTests", dependencies: ["PlanStore", "PlanCore", "PlanTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "PlanReportTests", dependencies: ["PlanReport", "PlanSim", "PlanCore", "PlanTestSupport"],
            resources: [.copy("Snapshots")]),
        .testTarget(
            name: "PlanCommandsTests",
            dependencies: [
                "PlanCommands", "PlanCore", "PlanSim", "PlanKernels", "PlanReport", "PlanStore", "PlanRandom", "PlanTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures", "Snapshots"]),
        .testTarget(name: "PlanValidateTests", dependencies: ["PlanValidate", "PlanCore", "PlanKernels", "PlanTestSupport"]),
    ]
)
