import Datasets
import Foundation
import Learning
import Numerics

/// `reproduce bench --align`: one training step (batch 100, Float) of every conv rule on the wide-network paper's
/// nets, CPU time, beside the GEMM bound of BP's step: the CPU time of the same products (forward, weight and input
/// gradients, readout) issued alone, one call per layer instead of one per im2col chunk.
public enum AlignBenchmark {
  public struct Result: Sendable, Codable {
    public var network: String
    public var width: Int
    public var millisecondsPerStep: [String: Double]
    public var gemmBoundMilliseconds: Double
    public var ratioToGemmBound: Double { gemmBoundMilliseconds / (millisecondsPerStep["BP"] ?? .nan) }
  }

  public static let cases: [(ConvArchitecture, String)] = [(.kmnist3(width: 16), "kmnist3"), (.kmnist3(width: 64), "kmnist3"),
                                                           (.kmnist3(width: 128), "kmnist3"), (.cifar7(width: 32), "cifar7"),
                                                           (.cifar7at28(width: 32), "cifar7@28")]

  public static func run(steps: Int = 5) -> [Result] {
    cases.map { a, name in
      let B = 100, features = a.inputSize * a.inputSize * a.inputChannels
      var rng = Random(seed: 1, stream: "bench")
      let x = (0..<B * features).map { _ in Float(rng.uniform()) }
      var y = [Float](repeating: -0.1, count: B * 10)
      for b in 0..<B { y[b * 10 + b % 10] = 0.9 }
      var times: [String: Double] = [:]
      for rule in ConvRule.allCases {
        var stream = NumpyRandom(seed: 99)
        let net0 = ConvNetwork<Float>.initial(a, feedback: rule.feedbackDraw, normals: &stream)
        var net = net0
        let ws = ConvWorkspace<Float>(a, capacity: B)
        func step() {
          ws.gradient(rule, net, initial: net0, x, y, rows: B)
          net.parameters.withUnsafeMutableBufferPointer { Float.axpy($0.count, -1, ws.gradientBuffer, $0.baseAddress!) }
        }
        step()
        let c0 = Clock.processCPU
        for _ in 0..<steps { step() }
        times[rule.label] = 1000 * (Clock.processCPU - c0) / Double(steps)
      }
      return Result(network: name, width: a.width, millisecondsPerStep: times, gemmBoundMilliseconds: 1000 * gemmBound(a, batch: B, steps: steps))
    }
  }

  /// CPU seconds of BP's products for one step of batch B, issued alone on buffers of the right shapes.
  static func gemmBound(_ a: ConvArchitecture, batch B: Int, steps: Int) -> Double {
    let L = a.hiddenLayers, C = a.classes
    let rows = (1...L).map { B * a.layer($0).outputPositions }.max()!, widest = (1...L).map { a.layer($0).patchWidth }.max()!
    let p = [Float](repeating: 0.01, count: rows * widest), w = [Float](repeating: 0.01, count: widest * max(a.width, C))
    var z = [Float](repeating: 0, count: rows * max(widest, a.width)), gw = [Float](repeating: 0, count: widest * max(a.width, C))
    var gA = z
    func replay() {
      for l in 1...L {
        let g = a.layer(l), m = B * g.outputPositions, n = g.outputChannels, k = g.patchWidth
        Float.gemm(.none, .none, m: m, n: n, k: k, alpha: 1, a: p, lda: k, b: w, ldb: n, beta: 0, c: &z, ldc: n)            // forward
        Float.gemm(.transposed, .none, m: k, n: n, k: m, alpha: 1, a: p, lda: k, b: z, ldb: n, beta: 0, c: &gw, ldc: n)      // ∇W
        if l > 1 { Float.gemm(.none, .transposed, m: m, n: k, k: n, alpha: 1, a: z, lda: n, b: w, ldb: n, beta: 0, c: &gA, ldc: k) }  // G_A
      }
      Float.gemm(.none, .none, m: B, n: C, k: a.width, alpha: 1, a: p, lda: a.width, b: w, ldb: C, beta: 0, c: &z, ldc: C)
      Float.gemm(.transposed, .none, m: a.width, n: C, k: B, alpha: 1, a: p, lda: a.width, b: z, ldb: C, beta: 0, c: &gw, ldc: C)
      Float.gemm(.none, .transposed, m: B, n: a.width, k: C, alpha: 1, a: z, lda: C, b: w, ldb: C, beta: 0, c: &gA, ldc: a.width)
    }
    replay()
    let c0 = Clock.processCPU
    for _ in 0..<steps { replay() }
    return (Clock.processCPU - c0) / Double(steps)
  }
}
