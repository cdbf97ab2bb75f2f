// swift-tools-version:6.0
// The reproduction suite for biologically plausible credit assignment.
import PackageDescription

// Numeric targets are optimised in every configuration, so that the `swift run reproduce ...` that
// researchers type (a debug build) trains at full speed. Measured in README.md ("Speed").
// On x86-64 the element-wise loops (tanh, Adam, the Euler steps) are vectorised for AVX2 (`haswell`: Intel since 2013, AMD Zen and
// later; without it they ran on 2-lane SSE2 and tanh alone took a sixth of a DFC feedback step). Swift does not
// contract a·b + c into FMA nor reassociate sums, so the numbers do not change, only the speed.
// `ElementWiseAVX512` compiles the same element-wise loops once more for AVX-512 with 512-bit vectors (the Double
// tanh: 2.6 → 1.4 ns per value on this machine's Zen 4), and `FastMath` calls it only where the CPU has AVX-512.
#if arch(x86_64)
let cpu = ["-target-cpu", "haswell"]
let avx512 = ["-target-cpu", "skylake-avx512", "-Xcc", "-mprefer-vector-width=512"]
#else
let cpu: [String] = []
let avx512: [String] = []
#endif
let optimised: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-fno-math-errno", "-driver-always-rebuild-dependents"] + cpu)]

// MARK: - System libraries (not API: module map + header)
let systemLibraries: [Target] = [
  .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
  .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
  .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
]

// MARK: - Libraries
let libraries: [Target] = [
  .target(name: "Numerics", dependencies: ["CBLAS"], swiftSettings: optimised),
  .target(name: "Datasets", dependencies: ["Numerics", "CZlib"], swiftSettings: optimised),
  .target(name: "ElementWiseAVX512", dependencies: ["Numerics"],
          swiftSettings: [.unsafeFlags(["-O", "-Xcc", "-fno-math-errno", "-driver-always-rebuild-dependents"] + avx512)]),
  .target(name: "Learning", dependencies: ["Numerics", "ElementWiseAVX512"], swiftSettings: optimised),
  .target(name: "Plotting", dependencies: ["CPNG"], swiftSettings: optimised),
  .target(name: "Experiments", dependencies: ["Numerics", "Datasets", "Learning", "Plotting"],
          swiftSettings: optimised),
]

// MARK: - One target per paper (hyperparameters, tables, figures; no numerics)
let papers = ["LRAE", "Bioflax", "GAIT", "WideAlign", "DFC", "League"]   // League: every rule on equal terms (not a paper)
let reproductions: [Target] = papers.map {
  // DFC/crosscheck holds an independent numpy check (README "Table 1"), not part of the build.
  .target(name: $0, dependencies: ["Experiments"] + ($0 == "League" ? ["DFC", "GAIT"] : []), path: "Reproductions/\($0)", exclude: ["README.md"] + ($0 == "DFC" ? ["crosscheck"] : []),
          swiftSettings: optimised)
}

// MARK: - The command-line tool (parser and dispatch in a library, main.swift thin)
let tool: [Target] = [
  .target(name: "ReproduceCLI",
          dependencies: ["Experiments", "Plotting"] + papers.map { .target(name: $0) }, swiftSettings: optimised),
  .executableTarget(name: "reproduce", dependencies: ["ReproduceCLI", "Experiments"]),
]

// MARK: - Tests
let tests: [Target] = [
  .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
  .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
  .testTarget(name: "LearningTests", dependencies: ["Learning", "ElementWiseAVX512"]),
  .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
  .testTarget(name: "CLITests", dependencies: ["ReproduceCLI", "DFC", "League"]),
]

let package = Package(
  name: "BioplausibleReproductions",
  platforms: [.macOS(.v13)],
  products: [.executable(name: "reproduce", targets: ["reproduce"])],
  targets: systemLibraries + libraries + reproductions + tool + tests
)
