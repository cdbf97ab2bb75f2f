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

/// `reproduce bench --gait`: one training batch (60 rows) of BP, GAIT-prop and TP on GAIT-prop's networks in
/// Double, split into the rule's gradient, the orthogonality regulariser, Adam and the inverses; against the
/// GEMM bound of a BP batch (the CPU time of its 3L − 1 products of 60 × n × n alone).
public enum GAITBenchmark {
  public struct Result: Sendable, Codable {
    public var network: String
    public var rule: String
    public var millisecondsPerBatch: Double     // CPU
    public var ruleGradient: Double, regulariser: Double, optimiser: Double, inverses: Double   // ms per batch
    public var gemmBoundMilliseconds: Double    // a BP batch's GEMMs alone
    public var ratioToGemmBound: Double         // bound / the batch's (gradient + optimiser) time, BP only
    public var hoursPer100Epochs: Double        // 100 000 batches, evaluation excluded
  }

  public static func run(batches: Int = 5) -> [Result] {
    var results: [Result] = []
    for arch in [InvertibleArchitecture.fullWidth(hiddenLayers: 4), .tower] {
      let rules: [(InvertibleRule, Double)] = [(.backprop, 0), (.gait(gamma: 1e-3, deviationForm: false), 0.1), (.targetPropagation, 1000)]
      var rng = Random(seed: 1, stream: "bench")
      let x: Matrix<Double> = rng.uniformMatrix(rows: 60, cols: 784, 0, 1)
      let labels = (0..<60).map { _ in Int32(rng.next() % 10) }
      let bound = gemmBound(arch, batches: batches)
      for (rule, lambda) in rules {
        var net = InvertibleNetwork.initial(arch, seed: 1, orthoLambda: lambda)
        var ws = InvertibleWorkspace(net, rows: 60)
        var opt = OptimizerState<Double>(.adam(learningRate: 1e-5, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, biasCorrection: false), count: net.parameters.count)
        var t = [0.0, 0.0, 0.0, 0.0]
        for b in 0..<(batches + 1) {
          let c0 = Clock.processCPU
          x.storage.withUnsafeBufferPointer { px in labels.withUnsafeBufferPointer { ws.ruleGradient(net, rule, x: px.baseAddress!, labels: $0.baseAddress!, rows: 60) } }
          let c1 = Clock.processCPU
          ws.addOrthogonality(net, lambda: lambda)
          let c2 = Clock.processCPU
          opt.apply(to: &net.parameters, gradient: ws.gradient)
          let c3 = Clock.processCPU
          if rule != .backprop { try! net.refreshInverses() }
          let c4 = Clock.processCPU
          if b > 0 { for (i, d) in [c1 - c0, c2 - c1, c3 - c2, c4 - c3].enumerated() { t[i] += d } }   // batch 0 warms up
        }
        let ms = t.map { 1000 * $0 / Double(batches) }, total = ms.reduce(0, +)
        results.append(Result(network: arch.label, rule: rule.label, millisecondsPerBatch: total, ruleGradient: ms[0],
                              regulariser: ms[1], optimiser: ms[2], inverses: ms[3], gemmBoundMilliseconds: 1000 * bound,
                              ratioToGemmBound: rule == .backprop ? 1000 * bound / (ms[0] + ms[2]) : .nan,
                              hoursPer100Epochs: total * 100_000 / 1000 / 3600))
      }
    }
    return results
  }

  /// CPU seconds of one BP batch's GEMMs alone: L forward products, L weight gradients, L − 1 propagations.
  static func gemmBound(_ arch: InvertibleArchitecture, batches: Int) -> Double {
    let n = arch.widths(input: 784), rows = 60, L = n.count
    var rng = Random(seed: 2, stream: "bench")
    let a: Matrix<Double> = rng.uniformMatrix(rows: rows, cols: 784, 0, 1), w: Matrix<Double> = rng.uniformMatrix(rows: 784, cols: 784, -0.05, 0.05)
    var out = [Double](repeating: 0, count: rows * 784), g = [Double](repeating: 0, count: 784 * 784)
    func replay() {
      a.storage.withUnsafeBufferPointer { pa in w.storage.withUnsafeBufferPointer { pw in
        out.withUnsafeMutableBufferPointer { po in g.withUnsafeMutableBufferPointer { pg in
          let a = pa.baseAddress!, w = pw.baseAddress!, o = po.baseAddress!, c = pg.baseAddress!
          for l in 0..<L {
            Double.gemm(.none, .none, m: rows, n: n[l], k: n[l], alpha: 1, a: a, lda: n[l], b: w, ldb: n[l], beta: 0, c: o, ldc: n[l])
            Double.gemm(.transposed, .none, m: n[l], n: n[l], k: rows, alpha: 1, a: a, lda: n[l], b: a, ldb: n[l], beta: 0, c: c, ldc: n[l])
            if l > 0 { Double.gemm(.none, .transposed, m: rows, n: n[l], k: n[l], alpha: 1, a: a, lda: n[l], b: w, ldb: n[l], beta: 0, c: o, ldc: n[l]) }
          }
        } }
      } }
    }
    replay()
    let c0 = Clock.processCPU
    for _ in 0..<(4 * batches) { replay() }
    return (Clock.processCPU - c0) / Double(4 * batches)
  }
}

/// `reproduce bench --dfc`: the cost of DFC's forward phase on the Fig. 3 network (15-10-10-5, batch 128) and
/// on Table 1's (784-256-256-256-10, batch 128), per simulation step and per minibatch, in Double and Float,
/// against a BP minibatch on the same network; with the GEMM bound of a step (its products alone).
public enum DFCBenchmark {
  public struct Result: Sendable, Codable {
    public var network: String, precision: String
    public var microsecondsPerStep: [String: Double]      // DFC (continuous), DFC-SS, feedback phase: per simulation step
    public var millisecondsPerBatch: [String: Double]     // BP, DFA, DFC-SSA per minibatch; DFC, DFC-SS at T steps
    public var gemmBoundMicrosecondsPerStep: Double       // the products of one DFC-SS step alone
    public var steps: Int
  }

  public static func run() -> [Result] {
    [run([15, 10, 10, 5], steps: 1000, Double.self), run([15, 10, 10, 5], steps: 1000, Float.self),
     run([784, 256, 256, 256, 10], steps: 100, Double.self), run([784, 256, 256, 256, 10], steps: 100, Float.self)]
  }

  static func run<T: BLASScalar>(_ sizes: [Int], steps: Int, _: T.Type) -> Result {
    var rng = Random(seed: 1, stream: "bench")
    let net = DFCNetwork<T>.initial(sizes: sizes, hidden: .tanh, feedbackInit: .weightProduct, rng: &rng)
    let B = 128, d = sizes.last!
    let x: Matrix<T> = rng.uniformMatrix(rows: B, cols: sizes[0], -1, 1), y: Matrix<T> = rng.uniformMatrix(rows: B, cols: d, -1, 1)
    let ws = DFCWorkspace(net, capacity: B)
    var g = [T](repeating: 0, count: net.parameters.count), gk = [T](repeating: 0, count: net.feedback.count)
    let s = ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: steps, tau: 0.2)
    var fb = ControllerSettings(alpha: 0.25, kp: 0.1, dt: 0.002, steps: steps, tau: 0.01, tauApical: 0.3)
    fb.sigma = 0.01; fb.sigmaOutput = 0.01
    var noise = GaussianNoise(seed: 1)
    func timed(_ repeats: Int, _ body: () -> Void) -> Double {
      body()
      let c0 = Clock.processCPU
      for _ in 0..<repeats { body() }
      return (Clock.processCPU - c0) / Double(repeats)
    }
    x.storage.withUnsafeBufferPointer { px0 in
      y.storage.withUnsafeBufferPointer { py in
        let px = px0.baseAddress!
        func prepare() { ws.forward(net, px, rows: B); ws.setOutputTarget(net, y: py.baseAddress!, loss: .meanSquaredError, lambda: 0.05) }
        let small = sizes[0] < 100
        let reps = small ? 5 : 2
        var perBatch: [String: Double] = [:], perStep: [String: Double] = [:]
        perBatch["BP"] = 1000 * timed(small ? 200 : 20) { prepare(); g.withUnsafeMutableBufferPointer { ws.backpropGradient(net, px, into: $0.baseAddress!) } }
        perBatch["DFA"] = 1000 * timed(small ? 200 : 20) { prepare(); g.withUnsafeMutableBufferPointer { ws.directFeedbackAlignmentUpdate(net, px, lambda: 0.05, into: $0.baseAddress!) } }
        perBatch["DFC-SSA"] = 1000 * timed(small ? 200 : 20) { prepare(); g.withUnsafeMutableBufferPointer { try? ws.analyticUpdate(net, px, alpha: 0.0015, into: $0.baseAddress!) } }
        let ss = timed(reps) { prepare(); g.withUnsafeMutableBufferPointer { _ = ws.steadyStateUpdate(net, px, s, includeNonConverged: true, into: $0.baseAddress!) } }
        let cont = timed(reps) { prepare(); g.withUnsafeMutableBufferPointer { _ = ws.continuousUpdate(net, px, s, includeNonConverged: true, into: $0.baseAddress!) } }
        let feedback = timed(reps) {
          gk.withUnsafeMutableBufferPointer { _ = ws.feedbackGradient(net, px, rows: B, FeedbackLearningSettings(controller: fb), into: $0.baseAddress!) { _, _, out, n in noise.fill(out, n) } }
        }
        perBatch["DFC-SS"] = 1000 * ss; perBatch["DFC"] = 1000 * cont
        perStep["DFC-SS"] = 1e6 * ss / Double(steps); perStep["DFC"] = 1e6 * cont / Double(steps); perStep["feedback"] = 1e6 * feedback / Double(steps)
        result = Result(network: sizes.map(String.init).joined(separator: "-"), precision: "\(T.self)", microsecondsPerStep: perStep,
                        millisecondsPerBatch: perBatch, gemmBoundMicrosecondsPerStep: 1e6 * stepBound(net, B), steps: steps)
      }
    }
    return result!
  }
  nonisolated(unsafe) static var result: Result? = nil

  /// A trained DFC-SSA epoch on Table 1's MNIST config against its GEMM bound (issue 14's target: ≤ 1.3×).
  public struct TrainedEpoch: Sendable, Codable {
    public var secondsPerEpoch: Double            // projected from the measured minibatch costs (`DFCCost`)
    public var feedbackSecondsPerEpoch: Double    // its X = 3 feedback passes
    public var gemmBoundSecondsPerEpoch: Double   // the feedback steps' products alone, plus the forward and evaluation as measured
    public var ratio: Double { secondsPerEpoch / gemmBoundSecondsPerEpoch }
  }

  /// The feedback phase is ≈ 97 % of the epoch: 3 passes × 430 minibatches × (T_fb − 1) steps, each step's products
  /// being the basal R_{i−1}W_i, the drive U K_i and the rule's Uᵀ V_i^fb per layer. The SSA forward update and the
  /// evaluation enter the bound at their measured times (so the ratio slightly flatters them).
  public static func trainedEpoch(_ e: DFCExperiment, train: Int = 55_000) -> TrainedEpoch {
    let p = DFCCost.project(e)
    var rng = Random(seed: 1, stream: "bench")
    let net = DFCNetwork<Double>.initial(sizes: e.sizes, hidden: e.hidden, feedbackInit: .xavier, rng: &rng)
    let B = e.batchSize, batches = Double((train + B - 1) / B), passes = Double(1 + e.extraFeedbackEpochs)
    let step = stepBound(net, B, feedbackRule: true)
    let feedback = batches * passes * p.feedbackSecondsPerBatch
    let bound = batches * passes * Double(e.feedback.controller.steps - 1) * step + (p.secondsPerEpoch - feedback)
    return TrainedEpoch(secondsPerEpoch: p.secondsPerEpoch, feedbackSecondsPerEpoch: feedback, gemmBoundSecondsPerEpoch: bound)
  }

  /// CPU seconds of one step's products alone: per layer the basal product R_{i−1}W_i and the drive U K_i (and with
  /// `feedbackRule` the feedback rule's Uᵀ V_i^fb).
  static func stepBound<T: BLASScalar>(_ net: DFCNetwork<T>, _ B: Int, feedbackRule: Bool = false) -> Double {
    let n = net.sizes, widest = n.max()!
    let a = [T](repeating: 0.01, count: B * widest), w = [T](repeating: 0.01, count: widest * widest)
    var c = [T](repeating: 0, count: B * widest)
    func replay() {
      for i in 1..<n.count {
        T.gemm(.none, .none, m: B, n: n[i], k: n[i - 1], alpha: 1, a: a, lda: n[i - 1], b: w, ldb: n[i], beta: 0, c: &c, ldc: n[i])
        T.gemm(.none, .none, m: B, n: n[i], k: n.last!, alpha: 1, a: a, lda: n.last!, b: w, ldb: n[i], beta: 0, c: &c, ldc: n[i])
        if feedbackRule {
          T.gemm(.transposed, .none, m: n.last!, n: n[i], k: B, alpha: 1, a: a, lda: n.last!, b: w, ldb: n[i], beta: 1, c: &c, ldc: n[i])
        }
      }
    }
    replay()
    let reps = 2000, c0 = Clock.processCPU
    for _ in 0..<reps { replay() }
    return (Clock.processCPU - c0) / Double(reps)
  }
}
