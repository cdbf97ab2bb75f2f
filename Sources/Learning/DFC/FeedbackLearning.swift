import Numerics

/// Feedback-weight learning, the noise-driven "sleep" phase (DFC README; the code's
/// `compute_feedback_gradients_normal_controller`). With the target at the noiseless feedforward output, a noisy
/// simulation runs with the feedback settings; the anti-Hebbian rule pairs V_i^fb at step t with U at t+1:
///   G_{K_i} = s/((T_fb − 1)·B) Σ_{t=0}^{T_fb−2} U[t+1]ᵀ V_i^fb[t],   s = 1/max(σ_fb, 0.01)²,
/// for every layer, K_L included; then the total norm over all K_i is clipped to 1 (torch's +1e-6), and the
/// optimiser subtracts G (+ L2 weight decay). The phase is never proactive (Q14).
public struct FeedbackLearningSettings: Sendable, Codable, Equatable {
  public var controller: ControllerSettings   // α_fb, k_p,fb, dt_fb, T_fb, τ_fb, τ_A,fb, inst_transmission_fb, σ's
  public var freezeOutput = false             // K_L stays I (`freeze_fb_weights_output`)
  /// Q9: the total-norm clip includes K_L's gradient even when K_L is frozen (code); the fix clips trainable K only.
  public var clipTrainableOnly = false
  public init(controller: ControllerSettings, freezeOutput: Bool = false) {
    var c = controller
    c.proactive = false
    self.controller = c; self.freezeOutput = freezeOutput
  }
  /// The rule's scale s = 1/max(σ_fb, 0.01)² (the noise floor 0.01 is hard-coded in the code).
  public var scale: Double { let floor = max(controller.sigma, 0.01); return 1 / (floor * floor) }
}

extension DFCWorkspace {
  /// The feedback gradient of one minibatch into gk (laid out like the feedback weights), clipped by total
  /// norm. Runs its own feedforward pass. Returns the norm before clipping.
  @inlinable @discardableResult
  public func feedbackGradient(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, rows: Int, _ s: FeedbackLearningSettings,
                               into gk: UnsafeMutablePointer<T>, noise: (Int, Int, UnsafeMutablePointer<T>, Int) -> Void) -> Double {
    forward(net, x, rows: rows)
    setFeedforwardTarget(net)
    simulate(net, x, s.controller, mode: .feedbackGradient, noise: noise)
    let c = T(s.scale / Double(max(1, s.controller.steps - 1) * rows))
    let sums = feedbackSums                                    // a local: see `simulate`
    for j in 0..<feedbackCount { gk[j] = c * sums[j] }
    let clipped = s.freezeOutput && s.clipTrainableOnly ? net.feedbackOffset[net.layerCount - 1] : feedbackCount
    var sumSquares = 0.0
    for j in 0..<clipped { sumSquares += Double(gk[j]) * Double(gk[j]) }
    let norm = sumSquares.squareRoot(), factor = 1 / (norm + 1e-6)
    if factor < 1 { for j in 0..<feedbackCount { gk[j] *= T(factor) } }
    if s.freezeOutput { (gk + net.feedbackOffset[net.layerCount - 1]).update(repeating: 0, count: net.outputWidth * net.outputWidth) }
    return norm
  }
}

/// Gaussian noise for the simulations, from its own stream (so that runs sharing a seed share their noise), by
/// the ziggurat: a feedback step draws one normal per unit and sample, which Box–Muller made the step's main cost.
public struct GaussianNoise: Sendable, Codable {
  public var rng: Random
  public init(seed: UInt64, stream: String = "dfc-noise") { rng = Random(seed: seed, stream: stream) }
  @inlinable public mutating func fill<T: BLASScalar>(_ out: UnsafeMutablePointer<T>, _ count: Int) { rng.fillNormal(out, count) }
}
