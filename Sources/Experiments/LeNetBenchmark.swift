import Foundation
import Learning
import Numerics

/// `reproduce bench --lenet`: training steps of biotorch's LeNet (batch 64, Float) for every rule, projected to an
/// epoch of 937 steps, against BP's and against the step's GEMM bound (its GEMM calls recorded and replayed
/// alone, `GEMMRecorder`); and the rate those small GEMMs reach against a large square SGEMM's, measured in the
/// same run (Bioflax README, "Speed").
public enum LeNetBenchmark {
  public struct Row: Sendable, Codable {
    public var rule: String
    public var millisecondsPerStep: Double
    public var secondsPerEpoch: Double                 // 937 steps of 64 (drop_last on 60 000)
    public var ratioToBP: Double
    public var gemmBoundMilliseconds: Double
    public var gemmFLOPsPerStep: Double
    public var fractionOfGemmBound: Double { gemmBoundMilliseconds / millisecondsPerStep }
  }
  public struct Result: Sendable, Codable {
    public var rows: [Row]
    /// GFLOP/s of BP's GEMM calls replayed alone, and of a 1024³ SGEMM (the machine's rate on large shapes).
    public var smallShapeGFLOPs: Double
    public var largeSGEMMGFLOPs: Double
    public var smallShapeFractionOfLarge: Double { smallShapeGFLOPs / largeSGEMMGFLOPs }
  }

  public static func run(steps: Int = 150) -> Result {
    let a = LeNetArchitecture.mnist, B = 64, features = a.layers[0].inputFeatures
    var rng = Random(seed: 1, stream: "bench")
    let x = (0..<B * features).map { _ in Float(rng.normal()) }
    let labels = (0..<B).map { Int32($0 % 10) }
    var rows: [Row] = []
    var bpCalls: [GEMMRecorder.Call] = [], bpSeconds = 0.0
    for rule in LeNetRule.allCases {
      var init_ = Random(seed: 1, stream: "lenet-init")
      var net = LeNetNetwork<Float>.initial(a, rule: rule, rng: &init_)
      let ws = LeNetWorkspace<Float>(a, capacity: B)
      var scratch = [Float](repeating: 0, count: net.weightCount), draws = Random(seed: 2)
      var sgd = OptimizerState<Float>(.sgd(learningRate: 0.01, momentum: 0.9), count: net.parameters.count)
      func step() {
        x.withUnsafeBufferPointer { px in labels.withUnsafeBufferPointer { _ = ws.step(net, px.baseAddress!, labels: $0.baseAddress!, rows: B, backwardMatrices: &scratch, rng: &draws) } }
        sgd.apply(to: &net.parameters, gradient: ws.gradient, decay: .coupled(1e-3))
      }
      let calls = GEMMRecorder.record { step() }
      if rule == .backprop { bpCalls = calls }
      let seconds = Benchmark.cpuSeconds({ for _ in 0..<steps { step() } }, repeats: 1) / Double(steps)
      if rule == .backprop { bpSeconds = seconds }   // the first rule
      let replay = GEMMRecorder.replay(calls, Float.self)
      let bound = Benchmark.cpuSeconds({ for _ in 0..<steps { replay() } }, repeats: 1) / Double(steps)
      rows.append(Row(rule: rule.label, millisecondsPerStep: 1000 * seconds, secondsPerEpoch: 937 * seconds,
                      ratioToBP: seconds / bpSeconds,
                      gemmBoundMilliseconds: 1000 * bound, gemmFLOPsPerStep: GEMMRecorder.flops(calls)))
    }
    let replay = GEMMRecorder.replay(bpCalls, Float.self)
    let small = GEMMRecorder.flops(bpCalls) / Benchmark.cpuSeconds({ for _ in 0..<steps { replay() } }, repeats: 1) * Double(steps) / 1e9
    let n = 1024
    let large = GEMMRecorder.replay([GEMMRecorder.Call(tA: .none, tB: .none, m: n, n: n, k: n, lda: n, ldb: n, ldc: n, beta: 0)], Float.self)
    let peak = 2 * Double(n * n * n) / Benchmark.cpuSeconds(large, repeats: 5) / 1e9
    return Result(rows: rows, smallShapeGFLOPs: small, largeSGEMMGFLOPs: peak)
  }
}
