import Foundation
import Learning
import Numerics

/// `reproduce bench`: a BP epoch on 784-256-256-256-10 tanh, batch 128, 55 000 samples, Adam, against the
/// GEMM bound: the CPU time of exactly that epoch's GEMM calls (recorded by `GEMMRecorder`: same shapes,
/// transposes and order), replayed alone in the same process at the same thread count.
public enum Benchmark {
  public struct Result: Sendable, Codable {
    public var precision: String
    public var secondsPerEpoch: Double          // wall
    public var cpuSecondsPerEpoch: Double
    public var gflops: Double                   // GEMM FLOPs of the epoch / CPU epoch time
    public var gemmBoundSeconds: Double         // CPU time of the epoch's GEMMs alone
    public var ratioToGemmBound: Double         // gemmBound / cpuSecondsPerEpoch
    public var laidOutBoundSeconds: Double      // the same calls on operands laid out as in training
    public var ratioToLaidOutBound: Double
    public var optimizerSeconds: Double         // Adam's steps of the epoch alone: element-wise work outside the bound
    enum CodingKeys: String, CodingKey {
      case precision, gflops
      case optimizerSeconds = "optimizer_seconds"
      case secondsPerEpoch = "seconds_per_epoch", cpuSecondsPerEpoch = "cpu_seconds_per_epoch"
      case gemmBoundSeconds = "gemm_bound_seconds", ratioToGemmBound = "ratio_to_gemm_bound"
      case laidOutBoundSeconds = "laid_out_bound_seconds", ratioToLaidOutBound = "ratio_to_laid_out_bound"
    }
  }

  public static let sizes = [784, 256, 256, 256, 10]
  public static let samples = 55_000, batchSize = 128

  /// Concrete entry point, so that the generic body below is specialised inside this module.
  public static func run(_ precision: Precision, epochs: Int = 2) -> Result {
    switch precision {
    case .float: return run(Float.self, epochs: epochs)
    case .double: return run(Double.self, epochs: epochs)
    }
  }

  static func run<T: BLASScalar>(_: T.Type, epochs: Int) -> Result {
    let t = Runner.timeEpochs(experiment(.backprop, T.self == Float.self ? .float : .double), samples: samples, epochs: epochs,
                              timingOptimizer: true)
    return Result(precision: "\(T.self)", secondsPerEpoch: t.wallSeconds, cpuSecondsPerEpoch: t.cpuSeconds, gflops: t.gemmFLOPs / t.cpuSeconds / 1e9,
                  gemmBoundSeconds: t.gemmBoundSeconds, ratioToGemmBound: t.gemmBoundSeconds / t.cpuSeconds,
                  laidOutBoundSeconds: t.laidOutBoundSeconds, ratioToLaidOutBound: t.laidOutBoundSeconds / t.cpuSeconds,
                  optimizerSeconds: t.optimizerSeconds!)
  }

  /// The bench's network and optimiser for `rule`: 784-256-256-256-10 tanh, Xavier, softmax cross-entropy, Adam 1e-3,
  /// batch 128 (LRA-E with its TF1 preset's own settings).
  public static func experiment(_ rule: RuleSpec, _ precision: Precision) -> Experiment {
    Experiment(name: "bench-\(rule)", data: DataSpec(dataset: .mnist), hidden: Array(sizes[1..<(sizes.count - 1)]), activation: .tanh,
               initializer: .xavierUniform(gain: 1), rule: rule, loss: .softmaxCrossEntropy, optimizer: .adam(learningRate: 1e-3),
               batchSize: batchSize, epochs: 1, seeds: [1], precision: precision)
  }

  /// CPU seconds of `body`, the mean of `repeats` calls after one warm-up call.
  static func cpuSeconds(_ body: () -> Void, repeats: Int) -> Double {
    body()
    let c0 = Clock.processCPU
    for _ in 0..<repeats { body() }
    return (Clock.processCPU - c0) / Double(repeats)
  }
}

/// `reproduce bench --rules`: an epoch of every rule on the bench's network (784-256-256-256-10 tanh, batch 128,
/// 55 000 random rows, Adam), its CPU time against BP's and against its own GEMM bound (its GEMM calls, recorded
/// and replayed alone), all measured in this run. A rule's GEMM FLOPs over BP's say how much more work its
/// algorithm does; the check is its time per unit of that work, ≤ 1.3× BP's.
public enum RuleBenchmark {
  public struct Row: Sendable, Codable {
    public var rule: String, network: String, precision: String
    public var how: String                            // "timed: N epochs" or "projected from minibatch costs"
    public var cpuSecondsPerEpoch: Double
    public var gemmBoundSecondsPerEpoch: Double?      // nil where only BP's bound is measured (the GAIT tower)
    public var laidOutBoundSecondsPerEpoch: Double? = nil   // the timed rules: the same calls on operands laid out as in training
    public var gemmFLOPsPerEpoch: Double?             // recorded; the GAIT tower's from its FLOP model (`GAITBenchmark.flopsPerBatch`)
    public var ratioToBP: Double                      // CPU time over BP's on the same network
    public var workToBP: Double?                      // GEMM FLOPs over BP's on the same network
    public var fractionOfGemmBound: Double? { gemmBoundSecondsPerEpoch.map { $0 / cpuSecondsPerEpoch } }
    public var fractionOfLaidOutBound: Double? { laidOutBoundSecondsPerEpoch.map { $0 / cpuSecondsPerEpoch } }
    /// Within 1.3× BP's time per unit of GEMM work (nil where the work is not recorded).
    public var withinTarget: Bool? { workToBP.map { ratioToBP / max(1, $0) <= 1.3 } }
  }

  /// The layered rules (every `RuleSpec`) timed for `epochs` epochs; then each DFC experiment of `dfc` on the same
  /// network, projected per epoch from its measured minibatch costs (`DFCCost`: evaluation of 15 000 rows included);
  /// then the GAIT-prop tower's rules per epoch of 1 000 batches of 60 in Double, against BP on the tower.
  public static func run(_ precision: Precision, epochs: Int, dfc: [(label: String, experiment: DFCExperiment)]) -> [Row] {
    let net = Benchmark.sizes.map(String.init).joined(separator: "-")
    var rows: [Row] = []
    var bp: EpochTiming? = nil
    for rule in RuleSpec.allCases {
      Progress.note("bench --rules: \(rule.label)")
      let t = Runner.timeEpochs(Benchmark.experiment(rule, precision), samples: Benchmark.samples, epochs: epochs)
      if rule == .backprop { bp = t }
      rows.append(Row(rule: rule.label, network: net, precision: precision.rawValue, how: "timed: \(epochs) epoch(s)",
                      cpuSecondsPerEpoch: t.cpuSeconds, gemmBoundSecondsPerEpoch: t.gemmBoundSeconds, laidOutBoundSecondsPerEpoch: t.laidOutBoundSeconds,
                      gemmFLOPsPerEpoch: t.gemmFLOPs, ratioToBP: t.cpuSeconds / bp!.cpuSeconds, workToBP: t.gemmFLOPs / bp!.gemmFLOPs))
    }
    for (label, var e) in dfc {
      Progress.note("bench --rules: \(label)")
      e.precision = precision
      let p = DFCCost.project(e, train: Benchmark.samples)
      rows.append(Row(rule: label, network: e.sizes.map(String.init).joined(separator: "-"), precision: precision.rawValue,
                      how: "projected from minibatch costs", cpuSecondsPerEpoch: p.secondsPerEpoch,
                      gemmBoundSecondsPerEpoch: p.gemmBoundSecondsPerEpoch, gemmFLOPsPerEpoch: p.gemmFLOPsPerEpoch,
                      ratioToBP: p.secondsPerEpoch / bp!.cpuSeconds, workToBP: p.gemmFLOPsPerEpoch / bp!.gemmFLOPs))
    }
    Progress.note("bench --rules: the GAIT-prop tower")
    let gait = GAITBenchmark.run().filter { $0.network == InvertibleArchitecture.tower.label }
    if let tbp = gait.first(where: { $0.rule == InvertibleRule.backprop.label }) {
      for r in gait {   // an epoch = 1 000 batches: seconds per epoch = ms per batch
        rows.append(Row(rule: r.rule, network: r.network, precision: "double", how: "projected from 5 batches",
                        cpuSecondsPerEpoch: r.millisecondsPerBatch, gemmBoundSecondsPerEpoch: r.rule == tbp.rule ? r.gemmBoundMilliseconds : nil,
                        gemmFLOPsPerEpoch: 1000 * r.flopsPerBatch, ratioToBP: r.millisecondsPerBatch / tbp.millisecondsPerBatch,
                        workToBP: r.flopsPerBatch / tbp.flopsPerBatch))
      }
    }
    return rows
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
    public var flopsPerBatch: Double            // the FLOP model of its BLAS-3 and LAPACK calls (`flopsPerBatch(…)`)
  }

  /// FLOPs of one batch's BLAS-3 and LAPACK calls, a multiply-add counted as 2: the rule's products (forward,
  /// weight gradients and L − 1 propagations, 2 B n_l² each: the same for BP, GAIT-prop and TP, which propagate
  /// through W_l⁻¹ instead of W_lᵀ); the regulariser where λ ≠ 0 (syrk n_l³, symm 2 n_l³ per layer); the inverses
  /// where the rule uses them (getrf ⅔ n_l³ and getri ⁴⁄₃ n_l³ for l = 2…L). The element-wise loops are not counted.
  public static func flopsPerBatch(widths n: [Int], rows: Int, regularised: Bool, inverses: Bool) -> Double {
    let squares = n.map { Double($0 * $0) }, cubes = n.map { Double($0) * Double($0 * $0) }
    let products = 2 * Double(rows) * (2 * squares.reduce(0, +) + squares.dropFirst().reduce(0, +))
    return products + (regularised ? 3 * cubes.reduce(0, +) : 0) + (inverses ? 2 * cubes.dropFirst().reduce(0, +) : 0)
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
                              hoursPer100Epochs: total * 100_000 / 1000 / 3600,
                              flopsPerBatch: flopsPerBatch(widths: net.widths, rows: 60, regularised: lambda != 0, inverses: rule != .backprop)))
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
    public var gemmBoundMicrosecondsPerStep: Double       // a DFC-SS minibatch's GEMM calls alone (recorded, replayed) per step
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
    func timed(_ repeats: Int, _ body: () -> Void) -> Double { Benchmark.cpuSeconds(body, repeats: repeats) }
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
        func steadyState() { prepare(); g.withUnsafeMutableBufferPointer { _ = ws.steadyStateUpdate(net, px, s, includeNonConverged: true, into: $0.baseAddress!) } }
        let ss = timed(reps, steadyState)
        let ssBound = Benchmark.cpuSeconds(GEMMRecorder.replay(GEMMRecorder.record(steadyState), T.self), repeats: reps)
        let cont = timed(reps) { prepare(); g.withUnsafeMutableBufferPointer { _ = ws.continuousUpdate(net, px, s, includeNonConverged: true, into: $0.baseAddress!) } }
        let feedback = timed(reps) {
          gk.withUnsafeMutableBufferPointer { _ = ws.feedbackGradient(net, px, rows: B, FeedbackLearningSettings(controller: fb), into: $0.baseAddress!) { _, _, out, n in noise.fill(out, n) } }
        }
        perBatch["DFC-SS"] = 1000 * ss; perBatch["DFC"] = 1000 * cont
        perStep["DFC-SS"] = 1e6 * ss / Double(steps); perStep["DFC"] = 1e6 * cont / Double(steps); perStep["feedback"] = 1e6 * feedback / Double(steps)
        result = Result(network: sizes.map(String.init).joined(separator: "-"), precision: "\(T.self)", microsecondsPerStep: perStep,
                        millisecondsPerBatch: perBatch, gemmBoundMicrosecondsPerStep: 1e6 * ssBound / Double(steps), steps: steps)
      }
    }
    return result!
  }
  nonisolated(unsafe) static var result: Result? = nil

  /// A trained DFC-SSA epoch on Table 1's MNIST config against its GEMM bound (issue 14's target: ≤ 1.3×).
  public struct TrainedEpoch: Sendable, Codable {
    public var secondsPerEpoch: Double            // projected from the measured minibatch costs (`DFCCost`)
    public var feedbackSecondsPerEpoch: Double    // its X = 3 feedback passes
    public var gemmBoundSecondsPerEpoch: Double   // the same operations' GEMM calls alone, projected alike
    public var ratio: Double { secondsPerEpoch / gemmBoundSecondsPerEpoch }
  }

  /// The feedback phase is ≈ 97 % of the epoch: 3 passes × 430 minibatches × (T_fb − 1) steps, each step's products
  /// being the basal R_{i−1}W_i, the drive U K_i and the rule's Uᵀ V_i^fb per layer. The SSA forward update's LU
  /// solves and the evaluation are in the epoch's time but not in its bound (no GEMM).
  public static func trainedEpoch(_ e: DFCExperiment, train: Int = 55_000) -> TrainedEpoch {
    let p = DFCCost.project(e, train: train)
    let batches = Double((train + e.batchSize - 1) / e.batchSize), passes = Double(1 + e.extraFeedbackEpochs)
    return TrainedEpoch(secondsPerEpoch: p.secondsPerEpoch, feedbackSecondsPerEpoch: batches * passes * p.feedbackSecondsPerBatch,
                        gemmBoundSecondsPerEpoch: p.gemmBoundSecondsPerEpoch)
  }
}
