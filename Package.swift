// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way: C shims -> FastCGI / QueueCore -> QueueWeb / SiteKit -> executables.
let package = Package(
    name: "guvnl-queue",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fcgi-app", targets: ["fcgi-app"]),
        .executable(name: "sitegen", targets: ["sitegen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Metrics API and its Prometheus exposition (issue 14): counters, gauges and histograms
        // rendered in the text format Prometheus scrapes, instead of a hand-written exposition.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Web Push (issue 13): P-256 ECDH and ECDSA, HKDF and AES-GCM for VAPID and aes128gcm,
        // instead of hand-written elliptic-curve code.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // System libraries from Debian (libfcgi-dev, libcmark-dev).
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CMark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Header-only: Linux calls glibc hides behind _GNU_SOURCE (renameat2 for the atomic site swap).
        .systemLibrary(name: "CLinux"),

        .target(name: "FastCGI", dependencies: [
            "CFastCGI",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // QueueCore keeps staff accounts, so it owns the thin libsodium wrapper (StaffCrypto).
        .target(name: "QueueCore", dependencies: [
            "CSodium",
            .product(name: "GRDB", package: "GRDB.swift"),
            // The API only (the time changes wait for the write lock); the executable picks the backend.
            .product(name: "CoreMetrics", package: "swift-metrics"),
            // The Web Push (VAPID) key pair is made and kept with the data, like the staff signing key.
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "QueueWeb", dependencies: [
            "FastCGI", "QueueCore", "CQRencode",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The outbox's worker: rendering, channel senders (SMS gateway, SMTP, the local sink), retries.
        .target(name: "Notify", dependencies: [
            "QueueCore", "CCurl",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "SiteKit", dependencies: [
            "CMark", "CLinux", "CZlib", "QueueCore",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Yams", package: "Yams"),
        ]),

        .executableTarget(name: "fcgi-app", dependencies: [
            "FastCGI", "QueueCore", "QueueWeb", "Notify",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "sitegen", dependencies: [
            "SiteKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Throughput and the office-day simulation: `swift run -c release queue-bench` (see README).
        .executableTarget(name: "queue-bench", dependencies: [
            "QueueCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/queue-bench"),

        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "QueueCoreTests", dependencies: ["QueueCore"]),
        .testTarget(name: "QueueWebTests", dependencies: [
            "QueueWeb", "QueueCore", "FastCGI", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "SiteKitTests", dependencies: ["SiteKit"]),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "QueueCore", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v6]
)
