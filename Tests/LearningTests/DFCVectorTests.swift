import Foundation
import XCTest
import Numerics
@testable import Learning

/// The DFC golden vectors (Tests/Vectors/dfc-*.json): the official code's own functions on small explicit cases,
/// float64. Arrays: max|mine − expected| / max|expected| ≤ 1e-9; masks exact; angles within 1e-8° (1e-5° below
/// 1e-3°, where arccos amplifies round-off).
final class DFCVectorTests: XCTestCase {
  func testFig3FixedFeedback() throws { try check("dfc-fig3-fixed.json") }
  func testFig3XavierWithMask() throws { try check("dfc-fig3-xavier-mask.json") }
  func testGeneralCrossEntropy() throws { try check("dfc-general-ce.json") }
  func testLinearWithoutProportionalControl() throws { try check("dfc-linear-kp0.json") }
  func testEveryClipActive() throws { try check("dfc-fig3-clip.json") }

  func doubles(_ any: Any?) -> [Double] {
    guard let any else { return [] }
    if let n = any as? [Any] { return n.flatMap { doubles($0) } }
    return [(any as! NSNumber).doubleValue]
  }
  func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

  func check(_ file: String) throws {
    let url = BioflaxVectorTests.directory.appendingPathComponent(file)
    let v = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
    let inputs = v["inputs"] as! [String: Any], outputs = v["outputs"] as! [String: Any]
    let sizes = inputs["sizes"] as! [Int], L = sizes.count - 1, d = sizes[L]
    let acts: [Activation] = (inputs["activations"] as! [String]).map { $0 == "tanh" ? .tanh : .linear }
    var net = DFCNetwork<Double>(sizes: sizes, activations: acts)
    let w = inputs["W"] as! [Any], b = inputs["b"] as! [Any], k = inputs["K"] as! [Any]
    for i in 1...L {
      net.setWeight(i, Matrix(rows: sizes[i - 1], cols: sizes[i], storage: doubles(w[i - 1])))
      net.setBias(i, doubles(b[i - 1]))
      net.setFeedbackWeight(i, Matrix(rows: d, cols: sizes[i], storage: doubles(k[i - 1])))
    }
    let x = doubles(inputs["X"]), y = doubles(inputs["Y"]), rows = x.count / sizes[0]
    let loss: DFCLoss = inputs["loss"] as! String == "ce" ? .crossEntropy : .meanSquaredError
    let fw = inputs["forward"] as! [String: Any], fb = inputs["feedback"] as! [String: Any]
    let gamma = number(inputs["gamma"])
    var s = ControllerSettings(alpha: number(fw["alpha"]), kp: number(fw["k_p"]), dt: number(fw["dt"]), steps: fw["T"] as! Int,
                               tau: number(fw["tau"]), tauApical: number(fw["tau_A"]), instTransmission: fw["inst_transmission"] as! Bool,
                               proactive: fw["proactive"] as! Bool)
    s.tauApical = number(fw["tau_A"])
    let includeNonConverged = fw["include_non_converged_samples"] as! Bool
    let lambda = number(fw["lambda"])

    func compare(_ mine: [Double], _ theirs: Any?, _ what: String, rtol: Double = 1e-9) {
      let t = doubles(theirs)
      XCTAssertEqual(mine.count, t.count, "\(file) \(what): size")
      guard mine.count == t.count, !t.isEmpty else { return }
      let scale = t.map(abs).max()!
      let err = zip(mine, t).map { abs($0 - $1) }.max()! / max(scale, 1e-300)
      XCTAssertLessThanOrEqual(err, rtol, "\(file) \(what): relative error \(err)")
    }
    func compareAngle(_ mine: Double, _ theirs: Any?, _ what: String) {
      guard let theirs else { return XCTFail("\(file): no \(what)") }
      let t = number(theirs)
      XCTAssertEqual(mine, t, accuracy: t < 1e-3 ? 1e-5 : 1e-8, "\(file) \(what)")
    }
    func packed(_ ws: DFCWorkspace<Double>, _ base: UnsafeMutablePointer<Double>, _ i: Int) -> [Double] {
      Array(UnsafeBufferPointer(start: ws.layer(base, i), count: rows * sizes[i]))
    }
    func params(_ g: [Double], _ list: Any?, _ what: String) {
      let layers = list as! [[String: Any]]
      for i in 1...L {
        compare(Array(g[net.weightOffset[i - 1]..<(net.weightOffset[i - 1] + sizes[i - 1] * sizes[i])]), layers[i - 1]["W"], "\(what) W\(i)")
        compare(Array(g[net.biasOffset[i - 1]..<(net.biasOffset[i - 1] + sizes[i])]), layers[i - 1]["b"], "\(what) b\(i)")
      }
    }

    let ws = DFCWorkspace(net, capacity: rows)
    try x.withUnsafeBufferPointer { px in
      let xp = px.baseAddress!
      func prepare() -> Double {
        ws.forward(net, xp, rows: rows)
        return y.withUnsafeBufferPointer { ws.setOutputTarget(net, y: $0.baseAddress!, loss: loss, lambda: lambda) }
      }
      // Feedforward, target, loss.
      let lossValue = prepare()
      XCTAssertEqual(lossValue, number(outputs["loss"]), accuracy: 1e-12 * abs(number(outputs["loss"])))
      compare(Array(UnsafeBufferPointer(start: ws.target, count: rows * d)), outputs["output_target"], "output target")
      let ff = outputs["feedforward"] as! [String: Any]
      for i in 1...L {
        compare(packed(ws, ws.feedforwardV, i), (ff["V"] as! [Any])[i - 1], "feedforward V\(i)")
        compare(packed(ws, ws.feedforwardR, i), (ff["R"] as! [Any])[i - 1], "feedforward R\(i)")
      }

      // References at the feedforward state.
      let refs = outputs["references"] as! [String: Any]
      var bp = [Double](repeating: 0, count: net.parameters.count), mn = bp, gn = bp
      ws.backpropGradient(net, xp, into: &bp)
      ws.computeJacobian(net, at: ws.feedforwardV)
      ws.minimumNormReference(net, xp, gamma: gamma, into: &mn)
      ws.gaussNewtonReference(net, xp, gamma: gamma, into: &gn)
      params(bp, refs["BP"], "BP"); params(mn, refs["MN"], "MN"); params(gn, refs["GN"], "GN")

      // Metrics.
      let metrics = outputs["metrics"] as! [String: Any]
      compare(ws.conditionOne(net, xp), metrics["dev_r"], "dev_r")
      ws.computeJacobian(net, at: ws.feedforwardV)
      let fm = ws.feedbackMeasures(net, gamma: gamma)
      XCTAssertEqual(fm.conditionTwo, number(metrics["condition_2"]), accuracy: 1e-9, "\(file) condition 2")
      compareAngle(fm.jacobianTransposeAngle, metrics["jacobian_transpose_angle_deg"], "Jᵀ angle")
      compareAngle(fm.dampedInverseAngle, metrics["jacobian_pinv_angle_deg"], "damped pseudo-inverse angle")

      // The simulated trajectory (shared by DFC and DFC-SS), observed at the listed steps.
      let trajectory = outputs["forward_trajectory"] as! [String: Any]
      let steps = trajectory["steps"] as! [Int]
      var seen: [Int: (u: [Double], v: [[Double]], vfb: [[Double]], vff: [[Double]], err: [Double])] = [:]
      ws.simulate(net, xp, s, observe: { t in
        guard steps.contains(t) else { return }
        var e = [Double](repeating: 0, count: rows)
        for q in 0..<rows {
          var acc = 0.0
          for j in 0..<d { let diff = ws.target[q * d + j] - ws.outputRates[q * d + j]; acc += diff * diff }
          e[q] = acc.squareRoot()
        }
        seen[t] = (Array(UnsafeBufferPointer(start: ws.u, count: rows * d)), (1...L).map { packed(ws, ws.v, $0) },
                   (1...L).map { packed(ws, ws.vfb, $0) }, (1...L).map { packed(ws, ws.vff, $0) }, e)
      })
      for t in steps {
        let key = "\(t)"
        compare(seen[t]!.u, (trajectory["u"] as! [String: Any])[key], "u at step \(t)")
        compare(seen[t]!.err, (trajectory["err"] as! [String: Any])[key], "err at step \(t)")
        for i in 1...L {
          compare(seen[t]!.v[i - 1], ((trajectory["v"] as! [Any])[i - 1] as! [String: Any])[key], "V\(i) at step \(t)")
          if let vfb = ((trajectory["v_fb"] as! [Any])[i - 1] as! [String: Any])[key] { compare(seen[t]!.vfb[i - 1], vfb, "V\(i)^fb at step \(t)") }
          if let vff = ((trajectory["v_ff"] as! [Any])[i - 1] as! [String: Any])[key] { compare(seen[t]!.vff[i - 1], vff, "V\(i)^ff at step \(t)") }
        }
      }

      // DFC and DFC-SS: the update (clipped), the mask, the SSA reference (unclipped), the angles, λ_max.
      for (key, continuous) in [("dfc_ss", false), ("dfc", true)] {
        let expected = outputs[key] as! [String: Any]
        _ = prepare()
        var g = [Double](repeating: 0, count: net.parameters.count)
        var lm: [LambdaMax] = []
        let before = {
          let fs = outputs["final_state_before_mask"] as! [String: Any]
          compare(Array(UnsafeBufferPointer(start: ws.u, count: rows * d)), fs["u"], "\(key) u before the mask")
          for i in 1...L { compare(packed(ws, ws.v, i), (fs["v"] as! [Any])[i - 1], "\(key) V\(i) before the mask") }
          lm = ws.lambdaMax(net, at: ws.v, alpha: s.alpha, kp: s.kp, tau: s.resolvedTau)
        }
        let classes = g.withUnsafeMutableBufferPointer { gp in
          continuous ? ws.continuousUpdate(net, xp, s, includeNonConverged: includeNonConverged, epsilon: number(fw["epsilon"]), into: gp.baseAddress!, beforeMask: before)
            : ws.steadyStateUpdate(net, xp, s, includeNonConverged: includeNonConverged, epsilon: number(fw["epsilon"]), into: gp.baseAddress!, beforeMask: before)
        }
        XCTAssertEqual(classes.map { $0 == .converged ? 1 : 0 }, (outputs["converged"] as! [Int]), "\(file) converged")
        XCTAssertEqual(classes.map { $0 == .diverged ? 1 : 0 }, (outputs["diverged"] as! [Int]), "\(file) diverged")
        Clipping.dfcPerTensor.apply(&g, tensors: net.tensors)
        params(g, expected["G"], "\(key) G")
        var ssa = [Double](repeating: 0, count: net.parameters.count)
        try ssa.withUnsafeMutableBufferPointer { try ws.steadyStateReference(net, xp, alpha: s.alpha, into: $0.baseAddress!) }
        params(ssa, expected["ssa_reference"], "\(key) SSA reference")
        let lmx = expected["lambda_max_bcn"] as! [String: Any]
        compare(lm.map(\.tildeI), lmx["A_tildeI"], "\(key) λmax Ã_I"); compare(lm.map(\.integral), lmx["A_I"], "\(key) λmax A_I")
        compare(lm.map(\.instantaneous), lmx["A_instI"], "\(key) λmax A_I^inst"); compare(lm.map(\.proportionalIntegral), lmx["A_PI"], "\(key) λmax A_PI")
        checkAngles(net, g, bp: bp, mn: mn, gn: gn, ssa: ssa, expected["angles_deg"] as! [String: Any], key, compareAngle)
      }

      // DFC-SSA.
      let expected = outputs["dfc_ssa"] as! [String: Any]
      _ = prepare()
      var g = [Double](repeating: 0, count: net.parameters.count)
      try g.withUnsafeMutableBufferPointer { try ws.analyticUpdate(net, xp, alpha: s.alpha, into: $0.baseAddress!) }
      compare(Array(UnsafeBufferPointer(start: ws.u, count: rows * d)), expected["u_ss"], "SSA u_ss")
      for i in 1...L {
        compare(packed(ws, ws.deltaV, i), (expected["dv"] as! [Any])[i - 1], "SSA ΔV\(i)")
        compare(packed(ws, ws.v, i), (expected["v_ss"] as! [Any])[i - 1], "SSA V\(i)_ss")
      }
      Clipping.dfcPerTensor.apply(&g, tensors: net.tensors)
      params(g, expected["G"], "SSA G")
      let lm = ws.lambdaMax(net, at: ws.v, alpha: s.alpha, kp: s.kp, tau: s.resolvedTau), lmx = expected["lambda_max"] as! [String: Any]
      compare(lm.map(\.proportionalIntegral), lmx["A_PI"], "SSA λmax A_PI"); compare(lm.map(\.instantaneous), lmx["A_instI"], "SSA λmax A_I^inst")
      checkAngles(net, g, bp: bp, mn: mn, gn: gn, ssa: nil, expected["angles_deg"] as! [String: Any], "dfc_ssa", compareAngle)

      // The feedback phase with the file's noise.
      let phase = outputs["feedback_phase"] as! [String: Any], xi = fb["xi"] as! [Any]
      var fs = ControllerSettings(alpha: number(fb["alpha_fb"]), kp: number(fb["k_p_fb"]), dt: number(fb["dt_fb"]), steps: fb["T_fb"] as! Int,
                                  tau: number(fb["tau_fb"]), tauApical: number(fb["tau_A_fb"]), instTransmission: fb["inst_transmission_fb"] as! Bool)
      fs.sigma = number(fb["sigma_fb"]); fs.sigmaOutput = number(fb["sigma_out_fb"])
      let noise = (0..<L).map { i in (xi[i] as! [Any]).map { doubles($0) } }     // [layer][t] → rows × n_i
      var gk = [Double](repeating: 0, count: net.feedback.count)
      let norm = gk.withUnsafeMutableBufferPointer { gkp in
        ws.feedbackGradient(net, xp, rows: rows, FeedbackLearningSettings(controller: fs), into: gkp.baseAddress!) { t, i, out, count in
          for j in 0..<count { out[j] = noise[i - 1][t][j] }
        }
      }
      XCTAssertEqual(norm, number(phase["total_norm_before_clip"]), accuracy: 1e-9 * norm, "\(file) feedback norm")
      for i in 1...L {
        compare(Array(gk[net.feedbackOffset[i - 1]..<(net.feedbackOffset[i - 1] + d * sizes[i])]), (phase["G_K_clipped"] as! [Any])[i - 1], "G_K\(i) clipped")
      }
    }
  }

  func checkAngles(_ net: DFCNetwork<Double>, _ g: [Double], bp: [Double], mn: [Double], gn: [Double], ssa: [Double]?,
                   _ expected: [String: Any], _ key: String, _ compareAngle: (Double, Any?, String) -> Void) {
    var refs = [("bp", bp), ("gn", gn), ("gnt", mn)]
    if let ssa { refs.append(("ndi", ssa)) }
    for (name, ref) in refs {
      for i in 1...net.layerCount {
        compareAngle(DFCMetrics.weightAngle(net, i, g, ref), expected["layer \(i)/weight_\(name)_angle"], "\(key) layer \(i) weight \(name) angle")
        compareAngle(DFCMetrics.biasAngle(net, i, g, ref), expected["layer \(i)/bias_\(name)_angle"], "\(key) layer \(i) bias \(name) angle")
      }
      if name != "bp" { compareAngle(DFCMetrics.networkAngle(g, ref), expected["total_alignment/\(name)_angle"], "\(key) network \(name) angle") }
    }
  }
}
