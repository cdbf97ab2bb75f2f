import Foundation
import Learning
import Numerics

/// `reproduce bench`: a BP epoch on 784-256-256-256-10 tanh, batch 128, 55 000 samples, Adam, against the
/// GEMM bound: the CPU time of exactly that epoch's GEMM calls (same shapes, transposes and order), replayed
/// alone in the same process at the same thread count.
public enum Benchmark {
  public struct Result: Sendable, Codable {
    public var precision: String
    public var secondsPerEpoch: Double          // wall
    public var cpuSecondsPerEpoch: Double
    public var gflops: Double                   // GEMM FLOPs of the epoch / CPU epoch time
    public var gemmBoundSeconds: Double         // CPU time of the epoch's GEMMs alone
    public var ratioToGemmBound: Double         // gemmBound / cpuSecondsPerEpoch
    enum CodingKeys: String, CodingKey {
      case precision, gflops
      case secondsPerEpoch = "seconds_per_epoch", cpuSecondsPerEpoch = "cpu_seconds_per_epoch"
      case gemmBoundSeconds = "gemm_bound_seconds", ratioToGemmBound = "ratio_to_gemm_bound"
    }
  }

  public static let sizes = [784, 256, 256, 256, 10]
  public static let samples = 55_000, batchSize = 128

  /// One epoch's batch sizes: 429 of 128 and one of 88.
  static var batches: [Int] {
    (0..<((samples + batchSize - 1) / batchSize)).map { min(batchSize, samples - $0 * batchSize) }
  }

  /// FLOPs of the epoch's GEMMs: per batch of n, forward 2n·Σ dₗ₋₁dₗ, weight gradients the same, and the
  /// error propagation 2n·Σ_{l≥2} dₗ₋₁dₗ.
  static var epochFLOPs: Double {
    let macs = (1..<sizes.count).reduce(0) { $0 + sizes[$1 - 1] * sizes[$1] }
    let below = macs - sizes[0] * sizes[1]
    return batches.reduce(0.0) { $0 + 2 * Double($1) * Double(2 * macs + below) }
  }

  /// Concrete entry point, so that the generic body below is specialised inside this module.
  public static func run(_ precision: Precision, epochs: Int = 2) -> Result {
    switch precision {
    case .float: return run(Float.self, epochs: epochs)
    case .double: return run(Double.self, epochs: epochs)
    }
  }

  static func run<T: BLASScalar>(_: T.Type, epochs: Int) -> Result {
    var rng = Random(seed: 1, stream: "bench")
    var net = Network<T>(sizes: sizes, hidden: .tanh, initializer: .xavierUniform(gain: 1), rng: &rng)
    // Timing does not depend on the pixel values: random inputs and labels of MNIST's shape.
    let x: Matrix<T> = rng.uniformMatrix(rows: samples, cols: sizes[0], 0, 1)
    let labels = (0..<samples).map { _ in Int32(rng.next() % 10) }
    var tape = Tape<T>(sizes: sizes, capacity: batchSize)
    var g = [T](repeating: 0, count: net.layout.count)
    var opt = OptimizerState<T>(.adam(learningRate: 1e-3), count: net.layout.count)
    var rule = Backprop<T>()

    func epoch(limit: Int? = nil) {
      var start = 0
      for rows in batches.prefix(limit ?? batches.count) {
        x.storage.withUnsafeBufferPointer { px in
          labels.withUnsafeBufferPointer { pl in
            let b = Batch(rows: rows, inputs: px.baseAddress! + start * sizes[0], labels: pl.baseAddress! + start)
            _ = rule.update(net, b, loss: .softmaxCrossEntropy, tape: &tape, into: &g)
          }
        }
        opt.apply(to: &net.parameters, gradient: g)
        start += rows
      }
    }
    epoch(limit: 40)   // warm-up: page in buffers, BLAS kernels
    let w0 = Clock.wall, c0 = Clock.processCPU
    for _ in 0..<epochs { epoch() }
    let wall = (Clock.wall - w0) / Double(epochs), cpu = (Clock.processCPU - c0) / Double(epochs)
    let bound = gemmBound(T.self, epochs: epochs)
    return Result(precision: "\(T.self)", secondsPerEpoch: wall, cpuSecondsPerEpoch: cpu, gflops: epochFLOPs / cpu / 1e9,
                  gemmBoundSeconds: bound, ratioToGemmBound: bound / cpu)
  }

  /// CPU seconds per epoch of the BP epoch's GEMM calls alone.
  static func gemmBound<T: BLASScalar>(_: T.Type, epochs: Int) -> Double {
    let L = sizes.count - 1
    let h = (0...L).map { [T](repeating: 0.01, count: batchSize * sizes[$0]) }
    let w = (1...L).map { [T](repeating: 0.01, count: sizes[$0 - 1] * sizes[$0]) }
    var a = (1...L).map { [T](repeating: 0, count: batchSize * sizes[$0]) }
    var gw = w
    var d = a
    func replay() {
      for n in batches {
        for l in 1...L {   // Aₗ = Hₗ₋₁ Wₗ
          T.gemm(.none, .none, m: n, n: sizes[l], k: sizes[l - 1], alpha: 1, a: h[l - 1], lda: sizes[l - 1],
                 b: w[l - 1], ldb: sizes[l], beta: 0, c: &a[l - 1], ldc: sizes[l])
        }
        for l in stride(from: L, through: 1, by: -1) {
          T.gemm(.transposed, .none, m: sizes[l - 1], n: sizes[l], k: n, alpha: 1, a: h[l - 1], lda: sizes[l - 1],
                 b: d[l - 1], ldb: sizes[l], beta: 0, c: &gw[l - 1], ldc: sizes[l])
          if l > 1 {
            T.gemm(.none, .transposed, m: n, n: sizes[l - 1], k: sizes[l], alpha: 1, a: d[l - 1], lda: sizes[l],
                   b: w[l - 1], ldb: sizes[l], beta: 0, c: &d[l - 2], ldc: sizes[l - 1])
          }
        }
      }
    }
    replay()
    let c0 = Clock.processCPU
    for _ in 0..<epochs { replay() }
    return (Clock.processCPU - c0) / Double(epochs)
  }
}
