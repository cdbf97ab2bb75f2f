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
    func timed(_ body: () -> Void) -> Double {
      let c0 = Clock.processCPU
      body()
      return Clock.processCPU - c0
    }
    let maxSteps = 20
    var forward = 0.0, feedback = 0.0, evaluation = 0.0
    x.storage.withUnsafeBufferPointer { px0 in
      y.storage.withUnsafeBufferPointer { py in
        let px = px0.baseAddress!
        func prepare(_ rows: Int) { ws.forward(net, px, rows: rows); _ = ws.setOutputTarget(net, y: py.baseAddress!, loss: .meanSquaredError, lambda: e.lambda) }
        evaluation = timed { for _ in 0..<5 { prepare(B) } } / 5
        var s = e.controller
        let scale = Double(s.steps) / Double(min(s.steps, maxSteps))
        s.steps = min(s.steps, maxSteps)
        g.withUnsafeMutableBufferPointer { gp in
          let out = gp.baseAddress!
          switch e.variant {
          case .backprop: forward = timed { for _ in 0..<5 { prepare(B); ws.backpropGradient(net, px, into: out) } } / 5
          case .directFeedbackAlignment: forward = timed { for _ in 0..<5 { prepare(B); ws.directFeedbackAlignmentUpdate(net, px, lambda: e.lambda, into: out) } } / 5
          case .analytic where e.ssaSolver == .krylov:
            forward = timed { prepare(B); try? ws.analyticUpdate(net, px, alpha: s.alpha, solver: .krylov, into: out) }
          case .analytic:
            let rows = d > 100 ? 16 : B
            forward = timed { prepare(rows); try? ws.analyticUpdate(net, px, alpha: s.alpha, into: out) } * Double(B) / Double(rows)
          case .dfc:
            forward = timed { prepare(B); _ = ws.continuousUpdate(net, px, s, includeNonConverged: true, epsilon: e.epsilon, into: out) } * scale
          case .steadyState:
            forward = timed { prepare(B); _ = ws.steadyStateUpdate(net, px, s, includeNonConverged: true, epsilon: e.epsilon, into: out) } * scale
          }
        }
        if e.learnsFeedback {
          feedback = timed {
            gk.withUnsafeMutableBufferPointer { _ = ws.feedbackGradient(net, px, rows: B, e.feedback, into: $0.baseAddress!) { _, _, o, n in noise.fill(o, n) } }
          }
        }
      }
    }
    let batches = Double((train + B - 1) / B), evaluationBatches = Double((validation + B - 1) / B + (test + B - 1) / B)
    let feedbackPasses = e.learnsFeedback ? Double(1 + e.extraFeedbackEpochs) : 0
    let epoch = batches * (forward + feedbackPasses * feedback) + evaluationBatches * evaluation
    let pretraining = e.learnsFeedback ? Double(e.pretrainingEpochs) * batches * feedback : 0
    return Projection(forwardSecondsPerBatch: forward, feedbackSecondsPerBatch: feedback, evaluationSecondsPerBatch: evaluation,
                      secondsPerEpoch: epoch, secondsPerSeed: Double(e.epochs) * epoch + pretraining)
  }
}
