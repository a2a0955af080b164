// swift-tools-version:6.1
import PackageDescription

// Trellis: a clustered XMPP server. See docs/architecture.md for the layout.
//
// Shared/   library code every service uses (one target per set of dependencies)
// Services/ one executable per role
// Tests/    test targets mirror the Shared and Services targets

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Trellis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trellis-c2s", targets: ["C2SMain"]),
        .executable(name: "trellis-bosh-gateway", targets: ["BOSHGatewayMain"]),
        .executable(name: "trellis-router", targets: ["RouterMain"]),
        .executable(name: "trellis-storage", targets: ["StorageMain"]),
        .executable(name: "trellis-bench", targets: ["TrellisBench"]),
        .executable(name: "trellisctl", targets: ["TrellisCtl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // MARK: C system libraries from Debian
        .systemLibrary(
            name: "CLibXML2", path: "Shared/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CHiredis", path: "Shared/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),

        // MARK: Shared
        .target(
            name: "XMPPCore",
            dependencies: ["CLibXML2"],
            path: "Shared/XMPPCore",
            swiftSettings: swiftSettings),
        .target(
            name: "XMPPStream",
            dependencies: [
                "XMPPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared/XMPPStream",
            swiftSettings: swiftSettings),
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Redis",
            swiftSettings: swiftSettings),
        .target(
            name: "Cluster",
            dependencies: ["XMPPCore"],
            path: "Shared/Cluster",
            swiftSettings: swiftSettings),
        .target(
            name: "Gateway",
            dependencies: [
                "XMPPCore", "XMPPStream", "Cluster", "ClusterIO", "Redis", "Runtime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Gateway",
            swiftSettings: swiftSettings),
        .target(
            name: "Runtime",
            dependencies: [
                "Redis", "Cluster",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Shared/Runtime",
            swiftSettings: swiftSettings),
        .target(
            name: "ClusterIO",
            dependencies: [
                "Cluster", "Redis", "XMPPCore", "XMPPStream",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ClusterIO",
            swiftSettings: swiftSettings),

        // MARK: Services (library + ~40-line main each)
        .target(
            name: "Router",
            dependencies: [
                "XMPPCore", "Cluster", "ClusterIO", "Redis", "Gateway", "Runtime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/router/Sources/Router", swiftSettings: swiftSettings),
        .target(
            name: "BOSHGateway",
            dependencies: [
                "Gateway", "Runtime", "XMPPCore", "XMPPStream", "Cluster", "Redis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/bosh-gateway/Sources/BOSHGateway", swiftSettings: swiftSettings),
        .target(
            name: "C2S",
            dependencies: [
                "Gateway", "ClusterIO", "Runtime", "XMPPCore", "XMPPStream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/c2s/Sources/C2S", swiftSettings: swiftSettings),
        .target(
            name: "Storage",
            dependencies: [
                "Cluster", "ClusterIO", "Redis", "Runtime", "XMPPCore", "XMPPStream",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/storage/Sources/Storage", swiftSettings: swiftSettings),
        .executableTarget(
            name: "C2SMain", dependencies: ["Runtime", "C2S"],
            path: "Services/c2s/Main", swiftSettings: swiftSettings),
        .executableTarget(
            name: "BOSHGatewayMain", dependencies: ["Runtime", "BOSHGateway"],
            path: "Services/bosh-gateway/Main", swiftSettings: swiftSettings),
        .executableTarget(
            name: "RouterMain", dependencies: ["Runtime", "Router"],
            path: "Services/router/Main", swiftSettings: swiftSettings),
        .executableTarget(
            name: "StorageMain", dependencies: ["Runtime", "Storage"],
            path: "Services/storage/Main", swiftSettings: swiftSettings),

        // MARK: Tools
        .executableTarget(
            name: "TrellisCtl",
            dependencies: [
                "Cluster", "ClusterIO", "Redis", "Runtime", "XMPPCore", "XMPPStream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/trellisctl",
            swiftSettings: swiftSettings),

        // MARK: Benchmarks (run by hand, see bench/README.md)
        .executableTarget(
            name: "TrellisBench",
            dependencies: [
                "XMPPCore", "XMPPStream", "Redis", "Cluster", "ClusterIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/Sources/TrellisBench",
            swiftSettings: swiftSettings),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "XMPPCoreTests", dependencies: ["XMPPCore", "TestSupport"],
            path: "Tests/XMPPCoreTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "XMPPStreamTests", dependencies: ["XMPPStream"],
            path: "Tests/XMPPStreamTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "C2STests",
            dependencies: [
                "C2S", "Gateway", "Cluster", "Redis", "TestSupport", "XMPPCore", "XMPPStream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/C2STests", swiftSettings: swiftSettings),
        .testTarget(
            name: "RouterTests", dependencies: ["Router", "Cluster", "ClusterIO", "Gateway", "XMPPCore"],
            path: "Tests/RouterTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "BOSHGatewayTests",
            dependencies: [
                "BOSHGateway", "Gateway", "Runtime", "TestSupport", "XMPPCore", "XMPPStream", "Cluster", "Redis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/BOSHGatewayTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "ClusterTests", dependencies: ["Cluster"],
            path: "Tests/ClusterTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "RedisIntegrationTests",
            dependencies: [
                "Redis", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/RedisIntegrationTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "Runtime", "TestSupport", "Cluster", "Redis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/RuntimeTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "ClusterIO", "Cluster", "XMPPCore", "XMPPStream",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/StorageTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "ClusterIOTests",
            dependencies: [
                "ClusterIO", "Storage", "Router", "Gateway", "Cluster", "Redis", "Runtime", "TestSupport", "XMPPCore",
                "XMPPStream",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ClusterIOTests", swiftSettings: swiftSettings),
    ]
)
