import Datasets
import Experiments
import Learning

/// The toy experiments of DFC (DFC README; configs/toy_experiments/configs_fig3/config_{dfc,dfc_ss,dfc_ssa,dfa}.py):
/// a 15-10-10-5 tanh student of a fixed teacher (§8.4), MSE, λ 0.05, SGD lr 0.05 normalised to 1.0, per-tensor
/// clip 1, batch 128, the Fig. 3 controller and feedback learning. Every run uses init seed 42, as the code.
public enum DFCToyProtocol {
  public static let sizes = [15, 10, 10, 5]
  public static let lambda = 0.05
  public static let learningRate = 0.05                   // raw; lr_eff = lr/λ = 1.0

  /// α 0.0015, k_p 1.5, dt 0.005, τ 0.2, τ_A = dt, T 1000, inst_transmission, not proactive, no noise.
  public static var controller: ControllerSettings { ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 1000, tau: 0.2) }

  /// TrainFB: α_fb 0.25, k_p,fb 0.1, dt_fb 0.002, T_fb 50, τ_fb 0.01, τ_A,fb 0.3, σ_fb = σ_out,fb = 0.01,
  /// inst_transmission_fb; K_L = I trainable.
  public static var feedback: FeedbackLearningSettings {
    var c = ControllerSettings(alpha: 0.25, kp: 0.1, dt: 0.002, steps: 50, tau: 0.01, tauApical: 0.3)
    c.sigma = 0.01; c.sigmaOutput = 0.01
    return FeedbackLearningSettings(controller: c)
  }

  /// Per scale (§7.3): smoke 5 minibatches × 3 epochs, 2 pre-training epochs, a log every minibatch; quick 100
  /// epochs; full 300 (the paper).
  public static func epochs(_ scale: Scale) -> Int { scale == .smoke ? 3 : scale == .quick ? 100 : 300 }
  public static func window(_ scale: Scale) -> Int { scale == .smoke ? 5 : 30 }

  public static func experiment(_ variant: DFCVariant, trainedFeedback: Bool, scale: Scale, linear: Bool = false,
                                outputs: Int = 5, name: String? = nil) -> DFCExperiment {
    let tag = variant == .directFeedbackAlignment ? "dfa" : "\(variant.rawValue)-\(trainedFeedback ? "trained" : "fixed")"
    var e = DFCExperiment(
      name: name ?? "dfc-fig3-\(tag)\(linear ? "-linear" : "")", data: .teacher(inputs: sizes[0], outputs: outputs, seed: 42),
      sizes: [sizes[0], sizes[1], sizes[2], outputs], hidden: linear ? .linear : .tanh, variant: variant, loss: .meanSquaredError,
      lambda: lambda, optimizer: .sgd(learningRate: learningRate, momentum: 0), controller: controller, feedback: feedback,
      feedbackOptimizer: .sgd(learningRate: 0.002, momentum: 0), feedbackInitOptimizer: .sgd(learningRate: 0.1, momentum: 0),
      epochs: epochs(scale))
    e.includeNonConverged = true
    e.feedbackWeightDecay = 0.025
    e.pretrainingEpochs = scale == .smoke ? 2 : 50
    e.extraFeedbackEpochs = 2
    e.feedbackInit = trainedFeedback ? .xavier : .weightProduct
    e.trainFeedback = trainedFeedback && variant != .directFeedbackAlignment
    e.referenceDamping = variant == .directFeedbackAlignment ? 0 : 0.1
    e.initSeed = 42
    if scale == .smoke { e.trainLimit = 640; e.logInterval = 1 }
    return e
  }

  /// The seven runs of Fig. 3: {DFC, DFC-SS, DFC-SSA} × {trained, fixed} and DFA, with their CSV tags.
  public static func figure3Runs(_ scale: Scale, linear: Bool) -> [(tag: String, experiment: DFCExperiment)] {
    var runs: [(String, DFCExperiment)] = []
    for trained in [true, false] {
      for (v, t) in [(DFCVariant.dfc, "dfc"), (.steadyState, "ss"), (.analytic, "ssa")] {
        runs.append(("\(t)_\(trained ? "tr" : "fx")", experiment(v, trainedFeedback: trained, scale: scale, linear: linear)))
      }
    }
    runs.append(("dfa", experiment(.directFeedbackAlignment, trainedFeedback: false, scale: scale, linear: linear)))
    return runs
  }
}
