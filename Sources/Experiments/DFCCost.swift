import Foundation
import Learning
import Numerics

/// The projected cost of a DFC run on this machine, from the measured CPU time of its own minibatch operations
/// (its network, controller and feedback settings, batch 128): what a table prints for a cell it does not run,
/// instead of a guess. Simulations are timed over at most 20 steps and scaled to T (a step's cost does not
/// depend on t), so an early exit (§7.4) is not foreseen: the projection is then an upper bound; the autoencoder's
/// analytic solve by LU on 16 samples and scaled to 128 (its per-sample LU dominates); GMRES's (`--ssa-solver
/// krylov`) on the whole batch, from the random weights of the projection (its iteration count depends on them).
public enum DFCCost {
  public struct Projection: Sendable, Codable, Equatable {
    public var forwardSecondsPerBatch: Double       // the rule's update of one minibatch
    public var feedbackSecondsPerBatch: Double      // one feedback-learning minibatch (0 without feedback learning)
    public var evaluationSecondsPerBatch: Double    // one feedforward pass
    public var secondsPerEpoch: Double              // forward + X feedback passes + evaluation of validation and test
    public var secondsPerSeed: Double               // epochs + feedback pre-training
    /// The epoch's GEMM calls alone (recorded from the same operations, replayed in the same run), projected like
    /// `secondsPerEpoch`: the bound `reproduce bench` compares it with. Non-GEMM work (LU, the tanh) is not in it.
    public var gemmBoundSecondsPerEpoch: Double
    public var gemmFLOPsPerEpoch: Double            // Σ 2mnk of those calls
  }

  public static func project(_ e: DFCExperiment, train: Int = 55_000, validation: Int = 5_000, test: Int = 10_000) -> Projection {
    switch e.precision {
    case .double: return project(e, train: train, validation: validation, test: test, as: Double.self)
    case .float: return project(e, train: train, validation: validation, test: test, as: Float.self)
    }
  }

  static func project<T: BLASScalar>(_ e: DFCExperiment, train: Int, validation: Int, test: Int, as: T.Type) -> Projection {
    var rng = Random(seed: 1, stream: "cost")
    let net = DFCNetwork<T>.initial(sizes: e.sizes, hidden: e.hidden, hiddenPerLayer: e.hiddenActivations,
                                    feedbackInit: e.feedbackInit, rng: &rng)
    let B = e.batchSize, d = e.sizes.last!
    let x: Matrix<T> = rng.uniformMatrix(rows: B, cols: e.sizes[0], -1, 1), y: Matrix<T> = rng.uniformMatrix(rows: B, cols: d, -1, 1)
    let ws = DFCWorkspace(net, capacity: B)
    var g = [T](repeating: 0, count: net.parameters.count), gk = [T](repeating: 0, count: net.feedback.count)
    var noise = GaussianNoise(seed: 1)
    let maxSteps = 20
    var forward = Cost(), feedback = Cost(), evaluation = Cost()
    x.storage.withUnsafeBufferPointer { px0 in
      y.storage.withUnsafeBufferPointer { py in
        let px = px0.baseAddress!
        func prepare(_ rows: Int) { ws.forward(net, px, rows: rows); _ = ws.setOutputTarget(net, y: py.baseAddress!, loss: .meanSquaredError, lambda: e.lambda) }
        evaluation = Cost.of(T.self) { for _ in 0..<5 { prepare(B) } } / 5
        var s = e.controller
        let scale = Double(s.steps) / Double(min(s.steps, maxSteps))
        s.steps = min(s.steps, maxSteps)
        g.withUnsafeMutableBufferPointer { gp in
          let out = gp.baseAddress!
          switch e.variant {
          case .backprop: forward = Cost.of(T.self) { for _ in 0..<5 { prepare(B); ws.backpropGradient(net, px, into: out) } } / 5
          case .directFeedbackAlignment: forward = Cost.of(T.self) { for _ in 0..<5 { prepare(B); ws.directFeedbackAlignmentUpdate(net, px, lambda: e.lambda, into: out) } } / 5
          case .analytic where e.ssaSolver == .krylov:
            forward = Cost.of(T.self) { prepare(B); try? ws.analyticUpdate(net, px, alpha: s.alpha, solver: .krylov, into: out) }
          case .analytic:
            let rows = d > 100 ? 16 : B
            forward = Cost.of(T.self) { prepare(rows); try? ws.analyticUpdate(net, px, alpha: s.alpha, into: out) } * (Double(B) / Double(rows))
          case .dfc:
            forward = Cost.of(T.self) { prepare(B); _ = ws.continuousUpdate(net, px, s, includeNonConverged: true, epsilon: e.epsilon, into: out) } * scale
          case .steadyState:
            forward = Cost.of(T.self) { prepare(B); _ = ws.steadyStateUpdate(net, px, s, includeNonConverged: true, epsilon: e.epsilon, into: out) } * scale
          }
        }
        if e.learnsFeedback {
          feedback = Cost.of(T.self) {
            gk.withUnsafeMutableBufferPointer { _ = ws.feedbackGradient(net, px, rows: B, e.feedback, into: $0.baseAddress!) { _, _, o, n in noise.fill(o, n) } }
          }
        }
      }
    }
    let batches = Double((train + B - 1) / B), evaluationBatches = Double((validation + B - 1) / B + (test + B - 1) / B)
    let feedbackPasses = e.learnsFeedback ? Double(1 + e.extraFeedbackEpochs) : 0
    let epoch = forward * batches + feedback * (batches * feedbackPasses) + evaluation * evaluationBatches
    let pretraining = e.learnsFeedback ? Double(e.pretrainingEpochs) * batches * feedback.cpu : 0
    return Projection(forwardSecondsPerBatch: forward.cpu, feedbackSecondsPerBatch: feedback.cpu, evaluationSecondsPerBatch: evaluation.cpu,
                      secondsPerEpoch: epoch.cpu, secondsPerSeed: Double(e.epochs) * epoch.cpu + pretraining,
                      gemmBoundSecondsPerEpoch: epoch.bound, gemmFLOPsPerEpoch: epoch.flops)
  }
}

/// An operation's CPU seconds and its GEMM bound (its GEMM calls, recorded on a first run, replayed alone), scaled
/// together.
struct Cost {
  var cpu = 0.0, bound = 0.0, flops = 0.0
  static func of<T: BLASScalar>(_: T.Type, _ body: () -> Void) -> Cost {
    let calls = GEMMRecorder.record(body)       // also the warm-up
    let c0 = Clock.processCPU
    body()
    let cpu = Clock.processCPU - c0
    return Cost(cpu: cpu, bound: Benchmark.cpuSeconds(GEMMRecorder.replay(calls, T.self), repeats: 1), flops: GEMMRecorder.flops(calls))
  }
  static func * (c: Cost, k: Double) -> Cost { Cost(cpu: c.cpu * k, bound: c.bound * k, flops: c.flops * k) }
  static func / (c: Cost, k: Double) -> Cost { c * (1 / k) }
  static func + (a: Cost, b: Cost) -> Cost { Cost(cpu: a.cpu + b.cpu, bound: a.bound + b.bound, flops: a.flops + b.flops) }
}
