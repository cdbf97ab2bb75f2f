import Numerics

/// The Add task of `train_add.py` (`gen_data(t1 = 2, t2 = 5, T)`; Align README, "The Add task"): scalar inputs
/// u_t ∈ {0, 1}, targets y_t = 0.5 + 0.5·u_{t−2} − 0.25·u_{t−5}.
///
///     U  = binomial(1, 0.5, size = 400 × T)          (row-major; rows are sequences)
///     R1 = roll(U, 2, axis = time);  R1[rows 0, 1] = 0      (the code zeroes rows, not time steps: Q10)
///     R2 = roll(U, 5, axis = time);  R2[rows 0…4] = 0
///     Y  = 0.5 + 0.5·R1 − 0.25·R2;   train = rows 0…299, test = rows 300…399
///
/// `shiftFix` (Q10's fix): the first 2 (5) time steps of every sequence get no shifted term instead.
public struct AddTask: Sendable, Equatable {
  public static let shortLag = 2, longLag = 5
  public let steps: Int
  /// Sequences row-major: inputs[i·T + t], targets[i·T + t].
  public var trainInputs: [Float], trainTargets: [Float]
  public var testInputs: [Float], testTargets: [Float]
  public var trainCount: Int { trainInputs.count / steps }
  public var testCount: Int { testInputs.count / steps }

  /// The official data: numpy's legacy stream seeded with `seed` (99), 300 + 100 sequences.
  public static func official(seed: UInt32 = 99, steps: Int = 100, shiftFix: Bool = false) -> AddTask {
    var rng = NumpyRandom(seed: seed)
    return AddTask(bits: (0..<400 * steps).map { _ in rng.coinFlip() }, steps: steps, shiftFix: shiftFix)
  }

  /// The same task from the suite's stream (`--rng suite`).
  public static func suite(seed: UInt64, steps: Int = 100, shiftFix: Bool = false) -> AddTask {
    var rng = Random(seed: seed, stream: "add-task-data")
    return AddTask(bits: (0..<400 * steps).map { _ in rng.uniform() > 0.5 ? 1 : 0 }, steps: steps, shiftFix: shiftFix)
  }

  init(bits: [Int], steps T: Int, shiftFix: Bool) {
    steps = T
    let rows = bits.count / T
    var y = [Float](repeating: 0.5, count: bits.count)
    for i in 0..<rows {
      for t in 0..<T {
        // roll(U, k)[i, t] = U[i, (t − k) mod T]; the code zeroes whole rows i < k, the fix the steps t < k.
        func shifted(_ k: Int) -> Float {
          if shiftFix ? t < k : i < k { return 0 }
          return Float(bits[i * T + (t - k + T) % T])
        }
        y[i * T + t] = 0.5 + 0.5 * shifted(AddTask.shortLag) - 0.25 * shifted(AddTask.longLag)
      }
    }
    let x = bits.map { Float($0) }, split = 300 * T
    trainInputs = Array(x[..<split]); trainTargets = Array(y[..<split])
    testInputs = Array(x[split...]); testTargets = Array(y[split...])
  }

  /// The loss of always predicting 0.5: Σ_t mean_i (y_it − 0.5)² (the script's chance values).
  public static func chance(_ targets: [Float], steps: Int) -> Double {
    let rows = targets.count / steps
    var total = 0.0
    for v in targets { total += Double(v - 0.5) * Double(v - 0.5) }
    return total / Double(rows)
  }
}
